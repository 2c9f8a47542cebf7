"""Importing contacts from the app: reached from the command palette and from the settings,
the path completes from the disk, a dry-run preview first (nothing changes), then the import
with its progress; the new customers are found at once, on this desk and on another."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import notifications, screen_text, settle
from textual.widgets import Input

from frontdesk.db import open_database
from frontdesk.services import Desk
from frontdesk.store import Store
from screens.import_contacts import ImportContactsScreen, complete_path
from screens.settings import SettingsScreen

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "contacts"


def book(tmp_path: Path, n: int = 3) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "phone-contacts.vcf"
    path.write_text("".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Imported Person {i}\r\nORG:[bold]Markup[/] Ltd\r\n"
                            f"TEL;TYPE=CELL:+1 470 555 {i:04d}\r\nEND:VCARD\r\n" for i in range(n))
                    + "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:[red]No[/red] Number\r\nTEL;WORK:BusinessPhone\r\nEND:VCARD\r\n")
    return path


async def wait_until(pilot, test, rounds: int = 50) -> None:
    for _ in range(rounds):
        await settle(pilot)
        if test():
            return
        await pilot.pause(0.05)


def test_path_completion(tmp_path):
    path = book(tmp_path)
    assert complete_path(str(tmp_path / "exp")) == str(tmp_path / "exports") + "/"
    assert complete_path(str(tmp_path / "exports" / "ph")) == str(path)
    assert complete_path(str(tmp_path / "nothing-like-it")) is None


async def test_import_from_the_palette_previews_then_imports(make_app, desk, db_path, clock, tmp_path):
    path = book(tmp_path)
    other = Desk(Store(open_database(db_path)), clock, "bob", env={"TZ": "America/New_York", "FRONTDESK_REGION": "US"})
    app = make_app()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p")
            await pilot.pause()
            for key in "import contacts":
                await pilot.press(key if key != " " else "space")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ImportContactsScreen))
            assert isinstance(app.screen, ImportContactsScreen)
            field = app.screen.query_one("#import-path", Input)
            assert app.focused is field
            field.insert_text_at_cursor(str(path.parent / "ph"))
            await wait_until(pilot, lambda: field._suggestion != "")
            await pilot.press("right")  # takes the completion
            assert field.value == str(path)
            assert not app.screen.check_action("run_import", ())  # no import before its preview
            await pilot.press("enter")
            await wait_until(pilot, lambda: "would be created" in screen_text(app))
            text = screen_text(app)
            assert "4 contacts" in text and "4 would be created" in text
            assert "BusinessPhone" in text  # the first problems are shown
            assert "[red]No[/red] Number" in text  # as text, never as markup
            assert text.count("dry run: nothing was changed") == 1
            assert desk.store.contacts.imports() == []  # the preview changed nothing
            assert other.find_callers("Imported Person") == []
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: any("Contacts imported" in n for n in notifications(app)))
            assert "Contacts imported: 4 new, 0 updated" in notifications(app)
            assert "4 created" in screen_text(app)
            assert [m.customer.name for m in desk.find_callers("470 555 0002")] == ["Imported Person 2"]
            assert {m.customer.name for m in other.find_callers("Imported Person")} == {
                f"Imported Person {i}" for i in range(3)}  # another desk on the file sees them at once
            [log] = desk.store.contacts.imports()
            assert log["operator"] == "ann" and log["file"] == str(path)
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, ImportContactsScreen)
    finally:
        other.store.close()


async def test_from_the_settings_and_a_bad_file_imports_nothing(make_app, desk, tmp_path):
    bad = tmp_path / "photo.vcf"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, ImportContactsScreen)
        app.screen.query_one("#import-path", Input).value = str(bad)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Nothing was imported" in screen_text(app))
        assert "Nothing was imported:" in screen_text(app) and "binary data" in screen_text(app)
        assert app.screen.query_one("#import-path", Input).value == str(bad)  # kept as typed
        await pilot.press("ctrl+s")  # no preview that worked: ctrl+s previews again, imports nothing
        await settle(pilot)
        assert desk.store.contacts.imports() == []


async def test_the_customer_page_shows_imported_emails(make_app, desk, tmp_path):
    from frontdesk.contacts.importer import import_contacts
    from screens.customer import CustomerScreen

    path = tmp_path / "one.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Example\r\nTEL:404 555 0701\r\n"
                    "EMAIL:ann@example.test\r\nEND:VCARD\r\n")
    import_contacts(desk, [path])
    [ann] = desk.store.customers_with_number("+14045550701")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_customer(ann.id)
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert "ann@example.test" in screen_text(app)
