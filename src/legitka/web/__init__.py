"""The web surfaces of legitka, composed into one ASGI application by :func:`create_app`."""

from legitka.web.app import create_app

__all__ = ["create_app"]
