"""Credential formats and their cryptography: JOSE, keys and certificates, SD-JWT VC, status lists."""
