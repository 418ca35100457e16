"""Register services: each takes a Session and a Clock, changes the register, writes audit events.

They never commit: the caller owns the transaction (``registry.db.transaction``), so that a change
and its audit event land together or not at all.
"""
