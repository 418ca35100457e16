"""The demo's universities and students: every eligibility case and every ELS card state.

Each :class:`DemoCase` is one fictional student in one situation. It says how to build the
situation (photo, oath, fee, card, events) and what the register must then report: the unmet
eligibility checks (``expect_unmet``) and the state of the student's current card
(``shows_card``). The tests build the demo and compare. Dates are relative to the day the demo is
created: semester offsets (0 = the current semester, -2 = two semesters back) and days ago.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from legitka.domain.eligibility import PhotoStatus, Policy
from legitka.domain.els import ElsCardStatus
from legitka.domain.studies import StudyLevel, StudyStatus


@dataclass(frozen=True)
class DemoUniversity:
    slug: str
    name_pl: str
    name_en: str
    policy: Policy
    hologram_code: str
    account_prefix: str  # sort code 10901014 (check digit 4) + client number


UNIVERSITIES = (
    DemoUniversity(
        "pd",
        "Politechnika Demonstracyjna",
        "Demonstration University of Technology",
        Policy.ELS_LINKED,
        "123",
        "109010140000",
    ),
    DemoUniversity(
        "uw",
        "Uniwersytet Wzorcowy",
        "Model University",
        Policy.PESEL,
        "456",
        "124010370001",
    ),
)


class Fee(StrEnum):
    NONE = "none"  # no card fee charged
    UNPAID = "unpaid"
    PARTIAL = "partial"  # 10 zł of 22 zł paid
    PAID = "paid"


class CardEvent(StrEnum):
    LOST = "lost"  # reported lost, no duplicate yet
    LOST_DUPLICATE = "lost-duplicate"  # reported lost and a duplicate applied for (33 zł)
    CANCELLED = "cancelled"


class Intake(StrEnum):
    CURRENT = "current"  # fee deadline in three weeks
    EARLIER = "earlier"  # fee deadline a month ago


@dataclass(frozen=True)
class PreviousStudy:
    """R3: a first-cycle study finished before the current one; its card continues."""

    album: str
    programme: str
    renewals: tuple[int, ...]


@dataclass(frozen=True)
class DemoCase:
    key: str
    university: str
    login: str
    given_names: str
    family_name: str
    female: bool
    age: int
    birthday: tuple[int, int]  # month, day
    album: str | None
    programme: str
    summary_en: str
    summary_pl: str
    expect_unmet: tuple[str, ...]
    shows_card: ElsCardStatus | None
    level: StudyLevel = StudyLevel.FIRST_CYCLE
    started_years_ago: int = 1
    intake: Intake | None = None
    foreign: bool = False  # no PESEL
    photo: PhotoStatus | None = PhotoStatus.APPROVED
    rejection_reason: str | None = None
    oath: bool = True
    fee: Fee = Fee.PAID
    card: ElsCardStatus | None = ElsCardStatus.ACTIVE  # the state the first card reaches
    renewals: tuple[int, ...] = (0,)
    card_event: CardEvent | None = None
    new_family_name: str | None = None  # changed after the card was issued
    status: StudyStatus = StudyStatus.ACTIVE
    status_days_ago: int = 20
    previous_study: PreviousStudy | None = None

    @property
    def password(self) -> str:
        return f"demo-{self.login.split('.')[0]}-1"

    @property
    def eligible(self) -> bool:
        return not self.expect_unmet

    def summary(self, locale: str) -> str:
        return self.summary_pl if locale == "pl" else self.summary_en


NO_CARD = ("no_els", "els_not_renewed", "data_changed_since_els")
IN_PRODUCTION = ("no_els", "els_not_renewed")

CASES: tuple[DemoCase, ...] = (
    # ---- pd: ELS-linked policy (the seeds' seven conditions) ----
    DemoCase(
        "pd-eligible",
        "pd",
        "anna.nowak",
        "Anna",
        "Nowak",
        True,
        21,
        (3, 14),
        "100001",
        "Computer Science",
        "Eligible: active card renewed for this semester.",
        "Uprawniona: aktywna legitymacja przedłużona na ten semestr.",
        (),
        ElsCardStatus.ACTIVE,
        renewals=(-2, -1, 0),
    ),
    DemoCase(
        "pd-foreign",
        "pd",
        "olena.kovalenko",
        "Olena",
        "Kovalenko",
        True,
        22,
        (7, 2),
        "100002",
        "Architecture",
        "Foreign student without PESEL: plastic card only.",
        "Studentka zagraniczna bez numeru PESEL: tylko legitymacja plastikowa.",
        ("no_pesel",),
        ElsCardStatus.ACTIVE,
        foreign=True,
    ),
    DemoCase(
        "pd-photo-pending",
        "pd",
        "piotr.kowalski",
        "Piotr",
        "Kowalski",
        False,
        19,
        (11, 5),
        "100003",
        "Mechanical Engineering",
        "Photo waiting for approval; card applied for.",
        "Zdjęcie czeka na akceptację; wniosek o legitymację złożony.",
        ("no_approved_photo", *IN_PRODUCTION),
        ElsCardStatus.APPLIED,
        started_years_ago=0,
        intake=Intake.CURRENT,
        photo=PhotoStatus.PENDING,
        card=ElsCardStatus.APPLIED,
        renewals=(),
    ),
    DemoCase(
        "pd-photo-rejected",
        "pd",
        "katarzyna.wisniewska",
        "Katarzyna",
        "Wiśniewska",
        True,
        19,
        (5, 30),
        "100004",
        "Chemistry",
        "Photo rejected (busy background); no card yet.",
        "Zdjęcie odrzucone (niejednolite tło); brak legitymacji.",
        ("no_approved_photo", *NO_CARD),
        None,
        started_years_ago=0,
        intake=Intake.CURRENT,
        photo=PhotoStatus.REJECTED,
        rejection_reason="the background must be plain and light",
        card=None,
        renewals=(),
    ),
    DemoCase(
        "pd-new",
        "pd",
        "jakub.wojcik",
        "Jakub",
        "Wójcik",
        False,
        19,
        (8, 21),
        "100005",
        "Civil Engineering",
        "New student: oath not taken, card fee unpaid, no card yet.",
        "Nowy student: bez ślubowania, opłata nieuiszczona, brak legitymacji.",
        NO_CARD,
        None,
        started_years_ago=0,
        intake=Intake.CURRENT,
        oath=False,
        fee=Fee.UNPAID,
        card=None,
        renewals=(),
    ),
    DemoCase(
        "pd-printing",
        "pd",
        "magdalena.kaminska",
        "Magdalena",
        "Kamińska",
        True,
        19,
        (2, 11),
        "100006",
        "Biotechnology",
        "Card being printed.",
        "Legitymacja w druku.",
        IN_PRODUCTION,
        ElsCardStatus.PRINTING,
        started_years_ago=0,
        intake=Intake.CURRENT,
        card=ElsCardStatus.PRINTING,
        renewals=(),
    ),
    DemoCase(
        "pd-ready",
        "pd",
        "tomasz.lewandowski",
        "Tomasz",
        "Lewandowski",
        False,
        20,
        (10, 9),
        "100007",
        "Electronics",
        "Card ready to collect at the dean's office.",
        "Legitymacja gotowa do odbioru w dziekanacie.",
        IN_PRODUCTION,
        ElsCardStatus.READY_TO_COLLECT,
        started_years_ago=0,
        intake=Intake.CURRENT,
        card=ElsCardStatus.READY_TO_COLLECT,
        renewals=(),
    ),
    DemoCase(
        "pd-duplicate",
        "pd",
        "agnieszka.zielinska",
        "Agnieszka",
        "Zielińska",
        True,
        22,
        (4, 17),
        "100008",
        "Mathematics",
        "Card lost; duplicate applied for (33 zł due).",
        "Legitymacja zgubiona; złożony wniosek o duplikat (33 zł do zapłaty).",
        IN_PRODUCTION,
        ElsCardStatus.APPLIED,
        started_years_ago=2,
        card_event=CardEvent.LOST_DUPLICATE,
        renewals=(-2, 0),
    ),
    DemoCase(
        "pd-lost",
        "pd",
        "michal.szymanski",
        "Michał",
        "Szymański",
        False,
        23,
        (12, 1),
        "100009",
        "Physics",
        "Card reported lost; no duplicate yet.",
        "Zgłoszona utrata legitymacji; bez duplikatu.",
        ("no_els",),
        ElsCardStatus.LOST,
        started_years_ago=2,
        card_event=CardEvent.LOST,
    ),
    DemoCase(
        "pd-cancelled",
        "pd",
        "zofia.wozniak",
        "Zofia",
        "Woźniak",
        True,
        21,
        (6, 6),
        "100010",
        "Automation and Robotics",
        "Card cancelled (damaged chip).",
        "Legitymacja unieważniona (uszkodzony układ).",
        ("no_els",),
        ElsCardStatus.CANCELLED,
        card_event=CardEvent.CANCELLED,
    ),
    DemoCase(
        "pd-not-renewed",
        "pd",
        "krzysztof.dabrowski",
        "Krzysztof",
        "Dąbrowski",
        False,
        22,
        (9, 27),
        "100011",
        "Power Engineering",
        "Card not renewed: its validity ended.",
        "Legitymacja nieprzedłużona: jej ważność minęła.",
        ("els_not_renewed",),
        ElsCardStatus.ACTIVE,
        started_years_ago=2,
        renewals=(-3, -2),
    ),
    DemoCase(
        "pd-married",
        "pd",
        "julia.mazur",
        "Julia",
        "Kozłowska",
        True,
        24,
        (1, 19),
        "100012",
        "Management",
        "Surname changed after marriage: a duplicate card is needed.",
        "Zmiana nazwiska po ślubie: potrzebny duplikat legitymacji.",
        ("data_changed_since_els",),
        ElsCardStatus.ACTIVE,
        level=StudyLevel.SECOND_CYCLE,
        new_family_name="Mazur",
    ),
    DemoCase(
        "pd-on-leave",
        "pd",
        "pawel.jankowski",
        "Paweł",
        "Jankowski",
        False,
        22,
        (3, 3),
        "100013",
        "Transport",
        "On leave (dean's leave).",
        "Na urlopie dziekańskim.",
        ("inactive_status",),
        ElsCardStatus.ACTIVE,
        status=StudyStatus.ON_LEAVE,
    ),
    DemoCase(
        "pd-suspended",
        "pd",
        "aleksandra.wojciechowska",
        "Aleksandra",
        "Wojciechowska",
        True,
        21,
        (8, 8),
        "100014",
        "Computer Science",
        "Student rights suspended.",
        "Prawa studenta zawieszone.",
        ("inactive_status",),
        ElsCardStatus.ACTIVE,
        status=StudyStatus.SUSPENDED,
    ),
    DemoCase(
        "pd-removed",
        "pd",
        "marcin.kwiatkowski",
        "Marcin",
        "Kwiatkowski",
        False,
        23,
        (11, 23),
        "100015",
        "Mechatronics",
        "Removed from the list of students.",
        "Skreślony z listy studentów.",
        ("inactive_status", "els_not_renewed"),
        ElsCardStatus.ACTIVE,
        started_years_ago=2,
        renewals=(-3, -2),
        status=StudyStatus.REMOVED,
        status_days_ago=60,
    ),
    DemoCase(
        "pd-graduated",
        "pd",
        "natalia.krawczyk",
        "Natalia",
        "Krawczyk",
        True,
        25,
        (2, 28),
        "100016",
        "Data Science",
        "Graduated from second-cycle studies.",
        "Absolwentka studiów drugiego stopnia.",
        ("inactive_status", "els_not_renewed"),
        ElsCardStatus.ACTIVE,
        level=StudyLevel.SECOND_CYCLE,
        started_years_ago=2,
        renewals=(-3, -2),
        status=StudyStatus.GRADUATED,
        status_days_ago=90,
    ),
    DemoCase(
        "pd-continuing",
        "pd",
        "bartosz.kaczmarek",
        "Bartosz",
        "Kaczmarek",
        False,
        23,
        (5, 12),
        "100017",
        "Computer Science (second cycle)",
        "First-cycle graduate continuing with the same card in second-cycle studies (R3).",
        "Absolwent pierwszego stopnia na studiach drugiego stopnia z tą samą legitymacją (R3).",
        (),
        ElsCardStatus.ACTIVE,
        level=StudyLevel.SECOND_CYCLE,
        started_years_ago=0,
        previous_study=PreviousStudy("100917", "Computer Science", (-3, -2)),
    ),
    DemoCase(
        "pd-postgraduate",
        "pd",
        "ewa.piotrowska",
        "Ewa",
        "Piotrowska",
        True,
        27,
        (7, 15),
        "100018",
        "Project Management (postgraduate)",
        "Postgraduate studies: no right to a student ID.",
        "Studia podyplomowe: brak prawa do legitymacji studenckiej.",
        ("level_not_eligible", *NO_CARD),
        None,
        level=StudyLevel.POSTGRADUATE,
        started_years_ago=0,
        fee=Fee.NONE,
        card=None,
        renewals=(),
    ),
    DemoCase(
        "pd-fee-overdue",
        "pd",
        "adam.grabowski",
        "Adam",
        "Grabowski",
        False,
        20,
        (4, 4),
        "100019",
        "Geodesy",
        "Card fee paid partly (10 of 22 zł) and overdue; no card.",
        "Opłata za legitymację zapłacona częściowo (10 z 22 zł) i po terminie; brak legitymacji.",
        NO_CARD,
        None,
        started_years_ago=0,
        intake=Intake.EARLIER,
        fee=Fee.PARTIAL,
        card=None,
        renewals=(),
    ),
    # ---- uw: PESEL policy (the 2025 law: the plastic card is optional) ----
    DemoCase(
        "uw-eligible-no-card",
        "uw",
        "maria.zajac",
        "Maria",
        "Zając",
        True,
        20,
        (9, 1),
        "200001",
        "Law",
        "Eligible without any plastic card.",
        "Uprawniona bez legitymacji plastikowej.",
        (),
        None,
        intake=Intake.CURRENT,
        fee=Fee.NONE,
        card=None,
        renewals=(),
    ),
    DemoCase(
        "uw-eligible-card",
        "uw",
        "jan.pawlowski",
        "Jan",
        "Pawłowski",
        False,
        21,
        (12, 24),
        "200002",
        "History",
        "Eligible, also has a plastic card.",
        "Uprawniony, ma też legitymację plastikową.",
        (),
        ElsCardStatus.ACTIVE,
    ),
    DemoCase(
        "uw-no-pesel",
        "uw",
        "taras.melnyk",
        "Taras",
        "Melnyk",
        False,
        22,
        (6, 18),
        "200003",
        "International Relations",
        "Foreign student without PESEL: plastic card only.",
        "Student zagraniczny bez numeru PESEL: tylko legitymacja plastikowa.",
        ("no_pesel",),
        ElsCardStatus.ACTIVE,
        foreign=True,
    ),
    DemoCase(
        "uw-no-photo",
        "uw",
        "weronika.michalska",
        "Weronika",
        "Michalska",
        True,
        19,
        (10, 30),
        "200004",
        "Psychology",
        "No photo in the register.",
        "Brak zdjęcia w systemie.",
        ("no_approved_photo",),
        None,
        started_years_ago=0,
        intake=Intake.CURRENT,
        photo=None,
        fee=Fee.NONE,
        card=None,
        renewals=(),
    ),
    DemoCase(
        "uw-data-changed",
        "uw",
        "karolina.wieczorek",
        "Karolina",
        "Nowicka",
        True,
        24,
        (1, 7),
        "200005",
        "Sociology",
        "Surname changed since the card was issued: still eligible under the PESEL policy.",
        "Zmiana nazwiska po wydaniu legitymacji: nadal uprawniona według zasad PESEL.",
        (),
        ElsCardStatus.ACTIVE,
        level=StudyLevel.SECOND_CYCLE,
        new_family_name="Wieczorek",
    ),
    DemoCase(
        "uw-suspended",
        "uw",
        "szymon.majewski",
        "Szymon",
        "Majewski",
        False,
        22,
        (3, 29),
        "200006",
        "Philosophy",
        "Student rights suspended.",
        "Prawa studenta zawieszone.",
        ("inactive_status",),
        ElsCardStatus.ACTIVE,
        status=StudyStatus.SUSPENDED,
    ),
    DemoCase(
        "uw-no-album",
        "uw",
        "hanna.olszewska",
        "Hanna",
        "Olszewska",
        True,
        19,
        (7, 7),
        None,
        "Economics",
        "Just admitted: no album number yet.",
        "Właśnie przyjęta: jeszcze bez numeru albumu.",
        ("no_album_number",),
        None,
        started_years_ago=0,
        intake=Intake.CURRENT,
        fee=Fee.NONE,
        card=None,
        renewals=(),
    ),
)


def university(slug: str) -> DemoUniversity:
    return next(u for u in UNIVERSITIES if u.slug == slug)


# Names and programmes for generated students (legitka demo generate)
FEMALE = [
    "Alicja",
    "Barbara",
    "Dominika",
    "Emilia",
    "Gabriela",
    "Helena",
    "Iga",
    "Joanna",
    "Kinga",
    "Laura",
    "Lena",
    "Martyna",
    "Nina",
    "Oliwia",
    "Paulina",
    "Róża",
    "Wiktoria",
    "Zuzanna",
    "Amelia",
    "Maja",
]
MALE = [
    "Antoni",
    "Bartłomiej",
    "Cezary",
    "Damian",
    "Filip",
    "Grzegorz",
    "Hubert",
    "Igor",
    "Jacek",
    "Karol",
    "Łukasz",
    "Mateusz",
    "Norbert",
    "Oskar",
    "Patryk",
    "Rafał",
    "Sebastian",
    "Wojciech",
    "Ksawery",
    "Franciszek",
]
# (masculine, feminine) forms of surnames
SURNAMES = [
    ("Adamczyk", "Adamczyk"),
    ("Baran", "Baran"),
    ("Borkowski", "Borkowska"),
    ("Chmielewski", "Chmielewska"),
    ("Czarnecki", "Czarnecka"),
    ("Duda", "Duda"),
    ("Głowacki", "Głowacka"),
    ("Jasiński", "Jasińska"),
    ("Kalinowski", "Kalinowska"),
    ("Kubiak", "Kubiak"),
    ("Lis", "Lis"),
    ("Malinowski", "Malinowska"),
    ("Nowakowski", "Nowakowska"),
    ("Ostrowski", "Ostrowska"),
    ("Pietrzak", "Pietrzak"),
    ("Rutkowski", "Rutkowska"),
    ("Sikora", "Sikora"),
    ("Sobczak", "Sobczak"),
    ("Tomaszewski", "Tomaszewska"),
    ("Urbański", "Urbańska"),
    ("Walczak", "Walczak"),
    ("Zalewski", "Zalewska"),
    ("Żak", "Żak"),
    ("Górski", "Górska"),
]
PROGRAMMES = [
    "Computer Science",
    "Mathematics",
    "Chemistry",
    "Architecture",
    "Law",
    "Economics",
    "Physics",
    "Biotechnology",
    "Civil Engineering",
    "Psychology",
]
