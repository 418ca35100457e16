"""The credential issuer: orders, offers, OpenID4VCI endpoints, status lists and revocation."""
