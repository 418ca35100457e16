"""The holder side: a Python wallet library (``holder``); the browser wallet lives in ``static``."""
