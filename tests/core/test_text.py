"""Untrusted text: nothing a caller's note holds may reach or restyle the terminal."""

from __future__ import annotations

import pytest

from frontdesk.services import NewCall
from frontdesk.text import clean, one_line


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("a\x1b[31mred\x1b[0m", "ared"),  # CSI colour
        ("a\x1b[2Jb", "ab"),  # clear screen
        ("a\x1b[?1049hb", "ab"),  # alternate screen
        ("x\x1b]0;pwned title\x07y", "xy"),  # OSC title, BEL-terminated
        ("x\x1b]2;title\x1b\\y", "xy"),  # OSC title, ST-terminated
        ("x\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\y", "xlinky"),  # OSC 8 hyperlink
        ("x\x1b]8;;http://evil.example/\x07link\x1b]8;;\x07y", "xlinky"),
        ("a\x1b]52;c;ZWNobw==\x07b", "ab"),  # OSC 52 clipboard write
        ("a\x1b", "a"),  # a lone ESC
        ("a\x1bMb", "ab"),  # two-byte escape (reverse index)
    ],
)
def test_escape_sequences_are_removed_whole(raw, expected):
    assert clean(raw) == expected


def test_bytes_that_were_not_utf8_become_the_replacement_character(desk):
    """Python keeps argv bytes that are not UTF-8 as lone surrogates, which SQLite refuses to
    store (UnicodeEncodeError): they become U+FFFD, and the call is logged."""
    assert clean("M\udcfcller\udcff") == "M\ufffdller\ufffd"
    assert one_line("caf\udce9 au lait") == "caf\ufffd au lait"
    logged = desk.log_call(NewCall(phone="404 555 0134", name="M\udcfcller", note="\udcff"))
    assert (logged.customer.name, logged.call.note) == ("M\ufffdller", "\ufffd")


def test_c0_and_c1_controls_are_removed():
    raw = "a\x00b\x07c\x08d\x0be\x0cf\x7fg\x85h\x9bi\x9dj\x1ak"
    assert clean(raw) == "abcdefghijk"


@pytest.mark.parametrize("mark", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
                                  "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"])
def test_bidi_controls_are_removed(mark):
    assert clean(f"invoice{mark}fdp.exe") == "invoicefdp.exe"


def test_newline_and_tab_are_kept_and_carriage_returns_become_newlines():
    assert clean("line one\nline two\tcol") == "line one\nline two\tcol"
    assert clean("a\r\nb\rc") == "a\nb\nc"


def test_single_line_folds_whitespace():
    assert clean("  line one\n\tline two  ", multiline=False) == "line one line two"


@pytest.mark.parametrize(
    "text",
    [
        "café déjà vu, Øre, naïve",
        "e\u0301 (combining accent)",
        "thanks 😀👍🏽 👨‍👩‍👧",
        "שלום עולם",  # Hebrew letters (right-to-left) are text, not controls
        "مرحبا بالعالم",
        "日本語のメモ",
        "[bold]x[/] [@click=app.quit]x",  # markup is just text at this layer
    ],
)
def test_ordinary_text_is_kept(text):
    assert clean(text) == text


def test_empty_and_none():
    assert clean(None) == ""
    assert clean("") == ""
    assert clean("\x1b[0m\u202e") == ""


def test_one_line_shortens_with_an_ellipsis():
    assert one_line("a\nb", 10) == "a b"
    assert one_line("abcdefghij", 5) == "abcd…"
    assert one_line("a\x1b[31mbc") == "abc"


def test_the_service_stores_cleaned_text(desk):
    logged = desk.log_call(NewCall(
        phone="404 555 0134",
        name="Evil\x1b]0;owned\x07 Caller\u202e",
        company="Acme\x9b31m",
        topic="refund\x1b[5m now",
        note="first line\x1b[2J\nsecond\u202eenil\ttab 😀",
    ))
    row = desk.store.db.execute(
        "SELECT note, topic FROM calls WHERE id = ?", [logged.call.id]
    ).fetchone()
    assert row == ("first line\nsecondenil\ttab 😀", "refund now")
    customer = desk.store.db.execute(
        "SELECT name, company FROM customers WHERE id = ?", [logged.customer.id]
    ).fetchone()
    assert customer[0] == "Evil Caller"
    assert "\x9b" not in customer[1] and "\x1b" not in customer[1]
    stored = logged.call
    assert "\x1b" not in stored.note and "\u202e" not in stored.note


def test_customer_edits_and_labels_are_cleaned(desk):
    customer = desk.customers.create_customer("Ann\x1b[1m", notes="keep\nlines\x07 here")
    assert customer.name == "Ann"
    assert customer.notes == "keep\nlines here"
    edited = desk.customers.update_customer(customer.id, customer.version, name="Ann\u202e B", notes="\x1b]8;;x\x07y")
    assert (edited.name, edited.notes) == ("Ann B", "y")
    phone = desk.customers.add_phone(customer.id, "404\x1b[0m 555 0134", label="desk\x1b[31m line")
    assert (phone.e164, phone.label) == ("+14045550134", "desk line")


def test_operator_name_is_cleaned(desk):
    from frontdesk.services import Desk

    other = Desk(desk.store, desk.clock, "bob\x1b[31m\u202e", env={"TZ": "America/New_York"})
    assert other.operator == "bob"
    assert Desk(desk.store, desk.clock, "\x1b[0m").operator == "desk"
