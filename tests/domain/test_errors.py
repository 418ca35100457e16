from __future__ import annotations

from legitka.domain.errors import InvalidInput, NotFound
from legitka.i18n import translate


def test_a_template_message_is_filled_and_stays_translatable():
    template = "There is no university '{slug}'. Known universities: {known}."
    err = NotFound("unknown_university", template, field="university", slug="x", known="pd")
    assert err.message == "There is no university 'x'. Known universities: pd."
    assert str(err) == "university: There is no university 'x'. Known universities: pd."
    assert translate(err.template, "pl", err.params) == "Nie ma uczelni „x”. Znane uczelnie: pd."


def test_a_plain_message_with_braces_is_kept():
    err = InvalidInput("bad", "value {not a placeholder", field="f", extra=1)
    assert err.message == "value {not a placeholder"
    assert err.status == 422
