"""The transfer QR code's text: the ZBP "2D code" fields, their lengths and their characters."""

from __future__ import annotations

import pytest

from legitka.domain.accounts import individual_account
from legitka.domain.errors import InvalidInput
from legitka.issuer import qr
from legitka.portal import transfer
from legitka.portal.transfer import Transfer

ACCOUNT = individual_account("109010140000", 5)


def test_the_nine_fields_in_the_recommendation_s_order() -> None:
    text = Transfer(ACCOUNT, 2200, "Uczelnia", "Oplata ELS 100005").payload()
    assert text == f"|PL|{ACCOUNT}|002200|Uczelnia|Oplata ELS 100005|||"
    assert transfer.parse(text) == {
        "nip": "", "country": "PL", "account": ACCOUNT, "amount": "002200",
        "recipient": "Uczelnia", "title": "Oplata ELS 100005", "r1": "", "r2": "", "r3": "",
    }  # fmt: skip


def test_a_nip_and_an_account_written_with_spaces_or_as_an_iban() -> None:
    spaced = " ".join([ACCOUNT[:2], *(ACCOUNT[i : i + 4] for i in range(2, 26, 4))])
    text = Transfer("PL" + spaced, 1, "U", "T", nip="525-000-12-34").payload()
    fields = transfer.parse(text)
    assert fields["nip"] == "5250001234"
    assert fields["account"] == ACCOUNT
    assert fields["amount"] == "000001"


@pytest.mark.parametrize(
    ("grosze", "field"), [(0, "000000"), (2200, "002200"), (1234, "001234"), (999_999, "999999")]
)
def test_the_amount_is_six_digits_of_grosze(grosze: int, field: str) -> None:
    assert transfer.parse(Transfer(ACCOUNT, grosze, "U", "T").payload())["amount"] == field


@pytest.mark.parametrize("grosze", [-1, 1_000_000])
def test_amounts_the_field_cannot_hold(grosze: int) -> None:
    with pytest.raises(ValueError, match="grosze"):
        Transfer(ACCOUNT, grosze, "U", "T").payload()
    assert not transfer.fits(grosze)


def test_fits() -> None:
    assert transfer.fits(1) and transfer.fits(2200) and transfer.fits(999_999)
    assert not transfer.fits(0)


def test_polish_letters_are_transliterated() -> None:
    assert transfer.transliterate("Zażółć gęślą jaźń ŁÓDŹ") == "Zazolc gesla jazn LODZ"
    assert transfer.transliterate("Müller-Lüdenscheidt, Øster ß") == "Muller-Ludenscheidt, Oster ss"


def test_separators_and_other_characters_never_reach_a_field() -> None:
    text = Transfer(ACCOUNT, 100, 'A|B\nC\t"D"', "x | y; z <script>").payload()
    fields = transfer.parse(text)  # still nine fields
    assert fields["recipient"] == "A B C D"
    assert fields["title"] == "x y z script"


def test_long_names_and_titles_are_cut_to_their_limits() -> None:
    text = Transfer(
        ACCOUNT, 2200, "Politechnika Demonstracyjna", "Duplikat ELS 100019 Grabowski-Wiśniewski"
    ).payload()
    fields = transfer.parse(text)
    assert fields["recipient"] == "Politechnika Demonst"
    assert len(fields["recipient"]) == transfer.RECIPIENT_LENGTH
    assert fields["title"] == "Duplikat ELS 100019 Grabowski-Wi"
    assert len(fields["title"]) == transfer.TITLE_LENGTH
    assert len(text) <= transfer.MAX_LENGTH


def test_a_cut_never_ends_in_a_space_or_a_mark() -> None:
    assert transfer.shorten("Uniwersytet Wzorcowy Im. X", 21) == "Uniwersytet Wzorcowy"
    assert transfer.shorten("abc, def", 4) == "abc"
    assert transfer.shorten("short", 20) == "short"


def test_the_longest_possible_text_fits_the_recommendation_s_160_characters() -> None:
    text = Transfer(ACCOUNT, 999_999, "R" * 50, "T" * 50, nip="1234567890").payload()
    assert len(text) == 10 + 2 + 26 + 6 + 20 + 32 + 8  # the three reserved fields are empty
    assert len(text) <= transfer.MAX_LENGTH


@pytest.mark.parametrize(
    ("account", "nip", "recipient", "title"),
    [
        ("12345", "", "U", "T"),  # not 26 digits
        (ACCOUNT[:-1] + str((int(ACCOUNT[-1]) + 1) % 10), "", "U", "T"),  # wrong check digits
    ],
)
def test_a_wrong_account_is_refused(account: str, nip: str, recipient: str, title: str) -> None:
    with pytest.raises(InvalidInput):
        Transfer(account, 100, recipient, title, nip=nip).payload()


@pytest.mark.parametrize(
    ("nip", "recipient", "title"),
    [("12345", "U", "T"), ("123456789X", "U", "T"), ("", "|||", "T"), ("", "U", "  ")],
)
def test_a_wrong_nip_or_an_empty_name_or_title_is_refused(
    nip: str, recipient: str, title: str
) -> None:
    with pytest.raises(ValueError, match=r"NIP|recipient"):
        Transfer(ACCOUNT, 100, recipient, title, nip=nip).payload()


def test_parse_wants_nine_fields() -> None:
    with pytest.raises(ValueError, match="9 fields"):
        transfer.parse("|PL|123")


def test_the_text_is_ascii_so_the_qr_code_is_read_the_same_in_every_encoding() -> None:
    text = Transfer(ACCOUNT, 2200, "Uniwersytet Łódzki", "Opłata ELS Żółć").payload()
    assert text.isascii()
    assert "Uniwersytet Lodzki" in text and "Oplata ELS Zolc" in text
    assert qr.svg(text).startswith("<svg")
