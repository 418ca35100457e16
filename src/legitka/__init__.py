"""legitka: mobile student ID cards (student register, ELS cards, issuer, wallet, verifier)."""

__version__ = "0.1.0"
