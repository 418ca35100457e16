"""Path parameters shared by the routes.

Every table key and numbered thing is an ``INTEGER`` column on SQLite and PostgreSQL: a number
beyond it makes the driver raise (``OverflowError``, ``DataError``) instead of finding nothing.
``DbId`` keeps path numbers in the column's range, so a number out of it is invalid input (422,
the field named) before any query. ``tests/web/test_params.py`` fails for an ``int`` path
parameter of any route without an upper bound.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

INTEGER_MAX = 2**31 - 1  # the largest INTEGER of PostgreSQL (SQLite's are wider)

DbId = Annotated[
    int,
    Path(ge=1, le=INTEGER_MAX, description="A positive whole number up to 2147483647."),
]
