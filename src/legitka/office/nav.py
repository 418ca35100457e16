"""The console's navigation: each page module adds its item when it is imported.

A module with a page in the menu does, next to its ``router``::

    nav.add(nav.NavItem("photos", N_("Photos"), "photos", order=20))

``path`` is relative to the university's console (``/office/u/{slug}/``); ``roles`` limits the item
to some roles (the routes check the roles themselves: the menu only hides what cannot be used).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from legitka.domain.staff import EVERY_ROLE, StaffRole
from legitka.i18n import translate


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str  # English, marked with N_
    path: str
    order: int = 100
    roles: frozenset[StaffRole] = field(default=EVERY_ROLE)


_ITEMS: dict[str, NavItem] = {}


def add(item: NavItem) -> None:
    """Add (or replace, by key) a menu item."""
    _ITEMS[item.key] = item


def items() -> list[NavItem]:
    return sorted(_ITEMS.values(), key=lambda item: (item.order, item.key))


def menu(role: StaffRole, slug: str, locale: str, current: str) -> list[dict[str, Any]]:
    """The menu for ``role`` at university ``slug``, ``current`` marking the page shown."""
    return [
        {
            "key": item.key,
            "label": translate(item.label, locale),
            "href": f"/office/u/{slug}/{item.path}",
            "current": item.key == current,
        }
        for item in items()
        if role in item.roles
    ]
