"""Pure rules of the student register: no web, database or crypto-backend imports here."""
