from __future__ import annotations

from legitka.registry.db import transaction
from legitka.registry.models import DeclarationKind, Person
from legitka.registry.services import declarations
from tests import builders


def test_oath_needs_both_texts_and_new_versions_count(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        person = s.get(Person, builders.student(s, clock, uni).person_id)
        assert not declarations.oath_taken(s, person)
        oath = declarations.current(s, uni, DeclarationKind.OATH)
        first = declarations.accept(s, clock, person, oath, actor="student")
        assert declarations.accept(s, clock, person, oath, actor="student").id == first.id
        assert not declarations.oath_taken(s, person)
        v2 = declarations.publish(
            s, clock, uni, DeclarationKind.DECLARATIONS, title_pl="D", title_en="D",
            text_pl="t", text_en="t",
        )
        assert v2.version == 2
        declarations.accept(s, clock, person, v2, actor="student")
        assert declarations.oath_taken(s, person)
        assert first.accepted_at == clock.now()
