"""The dean's office console: staff accounts and roles, their sessions, and the console's pages.

Staff see only their own university's students (a system administrator sees every university);
the university is in every URL (``/office/u/{slug}/…``), and a student or university outside the
signed-in staff member's scope is "not found". See ``docs/office.md``.
"""
