"""Credential formats and their cryptography: JOSE, keys, certificates, SD-JWT VC, status lists."""
