"""The student portal (USOSweb's part) and the mobile API (Mobile USOS's part)."""
