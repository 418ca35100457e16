"""Semesters and the validity dates of student ID cards.

A renewal for the winter semester makes the card valid until 31 March; a renewal for the summer
semester until 31 October. The winter semester runs from 1 October to 14 February, the summer
semester from 15 February to 30 September. A university may extend every validity by an
emergency extension (e.g. 60 days) when the rector decides so.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from enum import StrEnum

from legitka.domain.errors import InvalidInput

EMERGENCY_EXTENSION_DAYS = 60
SUMMER_STARTS = (2, 15)
# The academic years a four-digit code can name whose dates (and the next semester's) all exist.
MIN_YEAR = 1000
MAX_YEAR = 9997


class SemesterKind(StrEnum):
    WINTER = "winter"
    SUMMER = "summer"


@functools.total_ordering
@dataclass(frozen=True)
class Semester:
    """A semester of the academic year that starts in October of ``year``.

    Semesters compare in time order: winter 2026/27, then summer 2026/27, then winter 2027/28.
    """

    year: int
    kind: SemesterKind

    def _key(self) -> tuple[int, int]:
        return (self.year, 0 if self.kind is SemesterKind.WINTER else 1)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Semester):
            return NotImplemented
        return self._key() < other._key()

    @property
    def code(self) -> str:
        """USOS-style code: ``2026Z`` (winter 2026/27) or ``2026L`` (summer 2026/27)."""
        return f"{self.year}{'Z' if self.kind is SemesterKind.WINTER else 'L'}"

    @property
    def starts_on(self) -> dt.date:
        if self.kind is SemesterKind.WINTER:
            return dt.date(self.year, 10, 1)
        return dt.date(self.year + 1, *SUMMER_STARTS)

    @property
    def validity_end(self) -> dt.date:
        """The card validity a renewal for this semester gives."""
        if self.kind is SemesterKind.WINTER:
            return dt.date(self.year + 1, 3, 31)
        return dt.date(self.year + 1, 10, 31)

    def next(self) -> Semester:
        if self.kind is SemesterKind.WINTER:
            return Semester(self.year, SemesterKind.SUMMER)
        return Semester(self.year + 1, SemesterKind.WINTER)

    @classmethod
    def parse(cls, code: str, *, field: str = "semester") -> Semester:
        match = re.fullmatch(r"([0-9]{4})([ZLzl])", code.strip())
        if not match:
            raise InvalidInput(
                "invalid_semester",
                f"'{code}' is not a semester code: write e.g. 2026Z (winter) or 2026L (summer).",
                field=field,
            )
        kind = SemesterKind.WINTER if match.group(2).upper() == "Z" else SemesterKind.SUMMER
        year = int(match.group(1))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise InvalidInput(
                "invalid_semester",
                f"'{code}' names the academic year {year}/{year + 1}: write a year from "
                f"{MIN_YEAR} to {MAX_YEAR}, e.g. 2026Z.",
                field=field,
            )
        return cls(year, kind)


def semester_at(day: dt.date) -> Semester:
    """The semester in progress on ``day``."""
    if day.month >= 10:
        return Semester(day.year, SemesterKind.WINTER)
    if (day.month, day.day) < SUMMER_STARTS:
        return Semester(day.year - 1, SemesterKind.WINTER)
    return Semester(day.year - 1, SemesterKind.SUMMER)


def effective_validity(valid_until: dt.date, emergency_extension_days: int = 0) -> dt.date:
    """The validity after the university's emergency extension, if any."""
    return valid_until + dt.timedelta(days=emergency_extension_days)


def hologram_number(university_code: str, serial: int) -> str:
    """A hologram sticker number: the 3-digit university code and a 5-digit serial."""
    if not re.fullmatch(r"[0-9]{3}", university_code):
        raise InvalidInput(
            "invalid_hologram_code",
            "The university's hologram code has exactly 3 digits.",
            field="hologram_code",
        )
    if not 0 <= serial <= 99_999:
        raise InvalidInput(
            "hologram_serial_out_of_range",
            f"Hologram serial {serial} does not fit 5 digits (0 to 99999).",
            field="serial",
        )
    return f"{university_code}{serial:05d}"


def validate_hologram(number: str, university_code: str, *, field: str = "hologram") -> str:
    compact = number.replace(" ", "").replace("-", "")
    if not re.fullmatch(r"[0-9]{8}", compact):
        raise InvalidInput(
            "invalid_hologram",
            f"A hologram number has 8 digits (3-digit university code + 5-digit serial); "
            f"got '{number}'.",
            field=field,
        )
    if compact[:3] != university_code:
        raise InvalidInput(
            "hologram_wrong_university",
            f"Hologram '{number}' starts with {compact[:3]}, but this university's code is "
            f"{university_code}.",
            field=field,
        )
    return compact


def renewal_choices(today: dt.date) -> tuple[Semester, Semester]:
    """The semesters a renewal on ``today`` may be for: the one in progress (the default) and
    the next one (a renewal made before it starts)."""
    current = semester_at(today)
    return current, current.next()
