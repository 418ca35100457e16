"""The Polish catalog: every message in the source has a Polish translation that fits it."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from legitka.domain.eligibility import CHECK_MESSAGES
from legitka.domain.els import ELS_MESSAGES
from legitka.i18n import catalog_path, translate

ROOT = Path(__file__).resolve().parents[1]
BABEL_CFG = ROOT / "babel.cfg"
PO_FILE = catalog_path("pl")

MessageKey = tuple[str, str | None]  # (msgid, msgctxt)


def _extract() -> dict[MessageKey, tuple[str, str | None, list[str]]]:
    """Every msgid in the source tree, with its plural form and where it is used."""
    with BABEL_CFG.open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config, str(BABEL_CFG))  # type: ignore[no-untyped-call]
    found: dict[MessageKey, tuple[str, str | None, list[str]]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT),
        method_map=method_map,
        options_map=options_map,
        keywords=DEFAULT_KEYWORDS,
    ):
        singular, plural = (
            (message[0], message[1]) if isinstance(message, tuple) else (message, None)
        )
        if not singular:
            continue
        key = (singular, context)
        places = found.setdefault(key, (singular, plural, []))[2]
        places.append(f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def extracted() -> dict[MessageKey, tuple[str, str | None, list[str]]]:
    return _extract()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with PO_FILE.open("rb") as po_file:
        return read_po(po_file, locale="pl")


_PERCENT = re.compile(r"%\((\w+)\)[sdif]")


def placeholders(text: str) -> Counter[str]:
    """The ``{name}`` (str.format) and ``%(name)s`` (Jinja2 trans blocks) placeholders."""
    names: Counter[str] = Counter(_PERCENT.findall(text))
    try:
        for _literal, field, _spec, _conversion in string.Formatter().parse(text):
            if field is not None:
                names["{" + field + "}"] += 1
    except ValueError:
        names["<unbalanced braces>"] += 1
    return names


def _translations(entry_string: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if entry_string is None:
        return []
    if isinstance(entry_string, str):
        return [entry_string]
    return list(entry_string)


def test_the_source_has_messages(
    extracted: dict[MessageKey, tuple[str, str | None, list[str]]],
) -> None:
    ids = {msgid for msgid, _context in extracted}
    for message in CHECK_MESSAGES.values():
        assert message in ids
    for met, unmet in ELS_MESSAGES.values():
        assert met in ids
        assert unmet in ids


def test_the_catalog_header() -> None:
    with PO_FILE.open("rb") as po_file:
        catalog = read_po(po_file)
    assert str(catalog.locale) == "pl"
    assert catalog.charset.lower() == "utf-8"
    assert catalog.num_plurals == 3
    assert catalog.plural_expr == (
        "(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"
    )


def _entries(text: str) -> Iterator[tuple[str | None, str]]:
    """(msgctxt, msgid) of every entry of a PO file, in order, as written."""
    context: str | None = None
    current: str | None = None
    parts: list[str] = []
    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        keyword = line.split(" ", 1)[0] if line and not line.startswith('"') else None
        if keyword is not None or not line:
            if current == "msgid":
                yield context, "".join(parts)
                context = None
            elif current == "msgctxt":
                context = "".join(parts)
            current = keyword if keyword in {"msgid", "msgctxt"} else None
            parts = [line.split(" ", 1)[1][1:-1]] if current else []
        elif current:
            parts.append(line[1:-1])


def test_the_catalog_has_no_duplicate_messages() -> None:
    # Babel silently keeps the last of two entries with the same msgid: a later append would
    # override an earlier translation without anybody noticing.
    entries = Counter(_entries(PO_FILE.read_text(encoding="utf-8")))
    duplicates = sorted(msgid for (_context, msgid), count in entries.items() if count > 1)
    assert not duplicates, "Messages that appear more than once in the Polish catalog:\n" + (
        "\n".join(f"  {msgid!r}" for msgid in duplicates)
    )


def test_every_message_has_a_polish_translation(
    extracted: dict[MessageKey, tuple[str, str | None, list[str]]], catalog: Catalog
) -> None:
    missing: list[str] = []
    for (msgid, context), (_singular, plural, places) in sorted(
        extracted.items(), key=lambda item: (item[0][0], item[0][1] or "")
    ):
        message = catalog.get(msgid, context=context)
        strings = _translations(message.string) if message is not None else []
        if (
            message is None
            or message.fuzzy
            or not strings
            or not all(s.strip() for s in strings)
            or (plural is not None and len(strings) != catalog.num_plurals)
        ):
            missing.append(f"  {msgid!r}  (used at {', '.join(places)})")
    assert not missing, (
        f"{len(missing)} messages have no Polish translation in "
        f"{PO_FILE.relative_to(ROOT)}:\n" + "\n".join(missing)
    )


def test_translations_keep_the_placeholders(catalog: Catalog) -> None:
    wrong: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        expected = placeholders(ids[0])
        for translation in _translations(message.string):
            if not translation:
                continue
            got = placeholders(translation)
            # A plural form may leave out the count (Polish "jeden" for n == 1), never add one.
            fits = got == expected or (len(ids) > 1 and set(got) <= set(placeholders(ids[-1])))
            if not fits:
                wrong.append(
                    f"  {ids[0]!r}\n    msgstr {translation!r}\n"
                    f"    expected {sorted(expected.elements())}, got {sorted(got.elements())}"
                )
    assert not wrong, "Translations whose placeholders differ from the msgid's:\n" + "\n".join(
        wrong
    )


def test_placeholders_helper() -> None:
    assert placeholders("Pay {amount} by {deadline}.") == Counter({"{amount}": 1, "{deadline}": 1})
    assert placeholders("%(count)s cards for %(name)s") == Counter({"count": 1, "name": 1})
    assert placeholders("no placeholders") == Counter()
    assert placeholders("{{literal}} braces") == Counter()
    assert placeholders("a {broken") == Counter({"<unbalanced braces>": 1})


def test_po_entries_parser() -> None:
    text = 'msgid ""\nmsgstr ""\n"Language: pl\\n"\n\nmsgctxt "menu"\nmsgid "A"\nmsgstr "B"\n\n'
    text += 'msgid ""\n"long "\n"text"\nmsgstr "x"\n'
    assert list(_entries(text)) == [(None, ""), ("menu", "A"), (None, "long text")]


# translate()


def test_translate_into_polish_with_parameters() -> None:
    message = ELS_MESSAGES["els_fee_not_paid"][1]
    params = {
        "amount": "22,00 zł",
        "account": "61 1090 1014 0000 0712 1981 2874",
        "deadline": "2024-03-20",
    }
    assert translate(message, "pl", params) == (
        "Wpłać 22,00 zł za legitymację na swój indywidualny numer konta "
        "61 1090 1014 0000 0712 1981 2874 do 2024-03-20."
    )
    assert translate(message, "en", params) == (
        "Pay the card fee of 22,00 zł to your individual account "
        "61 1090 1014 0000 0712 1981 2874 by 2024-03-20."
    )


def test_translate_without_parameters() -> None:
    message = CHECK_MESSAGES[("inactive_status", "ok")]
    assert translate(message, "pl") == "Masz aktywny status studenta."
    assert translate(message, "en") == "Your student status is active."


@pytest.mark.parametrize("locale", ["pl", "pl-PL", "pl_PL", "PL", "", "de", None])
def test_unknown_or_missing_locales_fall_back_to_polish(locale: str | None) -> None:
    message = CHECK_MESSAGES[("no_album_number", "ok")]
    assert translate(message, locale) == "Masz nadany numer albumu."  # type: ignore[arg-type]


@pytest.mark.parametrize("locale", ["en", "en-GB", "EN_us"])
def test_english_is_the_msgid(locale: str) -> None:
    message = CHECK_MESSAGES[("no_approved_photo", "ok")]
    assert translate(message, locale) == message


def test_an_unknown_message_stays_english_in_every_locale() -> None:
    assert translate("Not in any catalog {x}.", "pl", {"x": 1}) == "Not in any catalog 1."
    assert translate("Not in any catalog.", "en") == "Not in any catalog."


def test_every_domain_message_translates_with_its_parameters() -> None:
    for (code, variant), message in CHECK_MESSAGES.items():
        names = {
            field
            for _literal, field, _spec, _conversion in string.Formatter().parse(message)
            if field
        }
        params = {name: f"<{name}>" for name in names}
        polish = translate(message, "pl", params)
        assert polish != message.format(**params), (code, variant)
        for value in params.values():
            assert value in polish, (code, variant)
