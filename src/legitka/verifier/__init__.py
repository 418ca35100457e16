"""The OpenID4VP 1.0 verifier: presets, requests, response validation, trust and status cache."""
