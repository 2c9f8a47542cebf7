"""Importing contacts into a desk: what is kept of every real sample file, matching (same
number and name updates, another name shares the number), idempotence, dry run, one
transaction (all or nothing), the audit trail and the report; and the round trip through
`frontdesk contacts`."""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
from pathlib import Path

import pytest

from frontdesk.contacts.importer import NOT_UNDERSTOOD, import_contacts
from frontdesk.contacts.writer import write_google_csv, write_vcards
from frontdesk.errors import DeskError

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "contacts"
SAMPLE_FILES = sorted(SAMPLES.glob("*.vcf"))


def customers(desk) -> dict[str, dict]:
    """Every live customer by display name: company, notes, numbers (e164, ext, label), emails."""
    found = {}
    for row, numbers, emails in desk.store.contacts.iter_customers():
        shown = row["name"] or row["company"]
        if shown in found:
            shown = f"{shown} ({row['company']})"
        found[shown] = {"company": row["company"], "notes": row["notes"], "name": row["name"],
                        "numbers": [(n["e164"], n["ext"], n["label"]) for n in numbers],
                        "emails": [e["email"] for e in emails], "id": row["id"]}
    return found


def state(desk) -> tuple:
    """Everything an import may touch, to compare before and after."""
    conn = desk.store.db.conn
    return tuple(conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                 for t in ("customers", "phones", "customer_emails", "audit", "contact_imports", "contact_keys"))


def vcf(tmp_path: Path, text: str, name: str = "book.vcf") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def card(name: str, *tels: str, org: str = "", note: str = "", email: str = "") -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}"]
    lines += [f"ORG:{org}"] if org else []
    lines += [f"TEL;TYPE=CELL:{t}" for t in tels]
    lines += [f"EMAIL:{email}"] if email else []
    lines += [f"NOTE:{note}"] if note else []
    return "\r\n".join([*lines, "END:VCARD", ""])


# -- every real sample ------------------------------------------------------------------------
def test_every_sample_imports_into_an_empty_desk(desk):
    summary = import_contacts(desk, SAMPLE_FILES)
    assert summary.contacts == 25
    assert dict(summary.skipped) == {"no name and no number": 2,  # Android's two email-only cards
                                     "no phone number (--keep-without-phone imports it)": 3}  # gmail-list
    found = customers(desk)
    # One John Doe of IBM however Evolution, Gmail, iPhone, Mac and Outlook spell his name.
    john = found["Mr. John Richter, James Doe Sr."]  # Evolution came first: its labels stay
    assert john["company"] == "IBM"
    assert {(e, label) for e, _, label in john["numbers"]} >= {
        ("+19055551234", "work"), ("+19056661234", "mobile"), ("+19057771234", "work"),
        ("+19058881234", "home fax"), ("+19059991234", "work fax"), ("+19051111234", "pager"),
        ("+19052221234", "AssistantPhone")}
    assert {"john.doe@ibm.com", "john.doe@ibm.cm"} <= set(john["emails"])
    assert "THIS SOFTWARE IS PROVIDED BY GEORGE EL-HADDAD" in john["notes"]  # Outlook's note appended
    assert "Mr. John Richter James Doe Sr." not in found and "Mr. John Richter,James Doe Sr." not in found
    simon = found["Simon Perreault"]
    assert ("+14186569254", "102", "work") in simon["numbers"] and ("+14182626501", "", "mobile") in simon["numbers"]
    assert found["John Doe"]["numbers"][0] == ("+96123456789", "", "mobile")  # BlackBerry (Acme)
    lotus = found["Mr. Doe John I Johny"]
    assert lotus["numbers"] == [("+12125557777", "", "work fax")]  # 00-1-212-555-7777
    assert f"{NOT_UNDERSTOOD} mobile: +1 (212) 204-34456" in lotus["notes"]
    outlook = found["John Doe III"]  # every number is a placeholder word: kept in the notes
    assert outlook["numbers"] == [] and outlook["company"] == "Company, The"
    assert (f"{NOT_UNDERSTOOD} work: BusinessPhone, home: HomePhone, mobile: MobilePhone, "
            "work fax: BusinessFaxPhone") in outlook["notes"]
    assert outlook["notes"].startswith("This is the note field!!\nSecond line\n\nThird line is empty")
    mike = found["Mr. Michael Angstadt Jr."]
    assert [(e, label) for e, _, label in mike["numbers"]] == [
        ("+11115551111", "work"), ("+11115552222", "home"), ("+11115554444", "mobile"), ("+11115553333", "work fax")]
    android = found[" ".join(["Ñ"] * 11)]
    assert android["numbers"] == [] and "45678901" in android["notes"]
    frank = found["Frank Dawson"]
    assert frank["numbers"] == [("+19196769515", "", "work"), ("+19196769564", "", "work fax")]
    assert frank["company"] == "Lotus Development Corporation"
    assert found["VCard Test"]["notes"] == "note line 1\nnote line 2\nCustomField: field value"
    # Gmail, Thunderbird and fullcontact all use 555-555-1111 for different people: a switchboard.
    assert summary.shared >= 3
    assert any("555-555-1111 is also the number of" in p for p in summary.problems)
    assert summary.not_understood == 14


def test_importing_the_same_files_again_changes_nothing(desk):
    import_contacts(desk, SAMPLE_FILES)
    before = state(desk)[:4]
    again = import_contacts(desk, SAMPLE_FILES)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 20)
    assert state(desk)[:4] == before
    assert again.lines()[-1] == "nothing changed"


# -- matching ---------------------------------------------------------------------------------
def test_same_number_and_name_updates_without_overwriting_the_desk(desk, tmp_path):
    typed = desk.customers.create_customer("José López", "", "Typed at the desk: VIP", numbers=("404 555 0101",))
    path = vcf(tmp_path, card("  jose   LOPEZ ", "(404) 555-0101", "404 555 0102", org="Acme",
                              note="From the phone", email="jose@acme.test"))
    summary = import_contacts(desk, [path])
    assert (summary.created, summary.updated) == (0, 1)
    after = desk.customers.customer(typed.id)
    assert after.name == "José López"  # the desk's spelling stays
    assert after.company == "Acme"  # an empty field is filled
    assert after.notes == "Typed at the desk: VIP\nFrom the phone"
    assert [(p.e164, p.label) for p in after.phones] == [("+14045550101", ""), ("+14045550102", "mobile")]
    assert desk.store.contacts.emails_of(typed.id) == {"jose@acme.test"}
    actions = {(a.action, a.field, a.new) for a in desk.audit(typed.id)}
    assert ("edited", "company", "Acme") in actions and ("added", "number", "+14045550102") in actions
    assert any(a == "imported" and new.startswith("book.vcf (import #") for a, _, new in actions)


def test_same_number_other_name_is_a_switchboard(desk, tmp_path):
    office = desk.customers.create_customer("Front Office", "Dental Care", numbers=("404 555 0200",))
    summary = import_contacts(desk, [vcf(tmp_path, card("Dr. Anna Berg", "404-555-0200"))])
    assert (summary.created, summary.shared) == (1, 1)
    assert "404-555-0200 is also the number of Front Office (#1)" in summary.problems[0].replace("(404) ", "404-")
    holders = desk.store.customers_with_number("+14045550200")
    assert {c.name for c in holders} == {"Front Office", "Dr. Anna Berg"}
    anna = next(c for c in holders if c.name == "Dr. Anna Berg")
    assert ("shared", "with", f"Front Office (#{office.id})") in {(a.action, a.field, a.new) for a in desk.audit(anna.id)}
    assert ("shared", "with", f"Dr. Anna Berg (#{anna.id})") in {(a.action, a.field, a.new) for a in desk.audit(office.id)}
    again = import_contacts(desk, [vcf(tmp_path, card("Dr. Anna Berg", "404-555-0200"))])
    assert (again.created, again.updated, again.unchanged, again.shared) == (0, 0, 1, 0)


def test_two_cards_of_one_person_in_one_file_make_one_customer(desk, tmp_path):
    path = vcf(tmp_path, card("Maria Lopez", "404 555 0301") + card("MARIA LÓPEZ", "404 555 0301", "404 555 0302"))
    summary = import_contacts(desk, [path])
    assert (summary.created, summary.updated) == (1, 1)
    [maria] = desk.store.customers_with_number("+14045550302")
    assert len(maria.phones) == 2


def test_skip_rules_and_keep_without_phone(desk, tmp_path):
    text = card("Only A Name") + "BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:x@y.test\r\nEND:VCARD\r\n" + card("Has One", "404 555 0401")
    path = vcf(tmp_path, text)
    summary = import_contacts(desk, [path])
    assert summary.created == 1 and dict(summary.skipped) == {
        "no phone number (--keep-without-phone imports it)": 1, "no name and no number": 1}
    kept = import_contacts(desk, [path], keep_without_phone=True)
    assert kept.created == 1 and kept.unchanged == 1 and dict(kept.skipped) == {"no name and no number": 1}
    again = import_contacts(desk, [path], keep_without_phone=True)  # found again by its key: no duplicate
    assert (again.created, again.unchanged) == (0, 2)
    assert sorted(customers(desk)) == ["Has One", "Only A Name"]


def test_region_option_reads_national_numbers(desk, tmp_path):
    import_contacts(desk, [vcf(tmp_path, card("Harry Hill", "020 7946 0018"))], region="GB")
    assert customers(desk)["Harry Hill"]["numbers"] == [("+442079460018", "", "mobile")]
    with pytest.raises(DeskError, match="unknown region 'XX'"):
        import_contacts(desk, [vcf(tmp_path, card("A", "1"), "b.vcf")], region="XX")


def test_hostile_text_is_stored_as_text_without_escape_sequences(desk, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('Name,Phone,Notes\n"=HYPERLINK(""http://x"")",404 555 0501,"[red]x[/] \x1b[31mred\x1b[0m"\n')
    import_contacts(desk, [path])
    hostile = customers(desk)['=HYPERLINK("http://x")']
    assert hostile["notes"] == "[red]x[/] red"


# -- dry run, one transaction, audit, report --------------------------------------------------
def test_dry_run_reports_the_same_and_changes_nothing(desk, tmp_path):
    desk.customers.create_customer("Front Office", "", numbers=("905 555 1234",))
    before = state(desk)
    dry = import_contacts(desk, SAMPLE_FILES, dry_run=True)
    assert state(desk) == before
    assert dry.lines()[-1] == "dry run: nothing was changed"
    real = import_contacts(desk, SAMPLE_FILES)
    assert dry.counts() == real.counts() and dry.problems == real.problems


def test_an_error_at_the_last_card_changes_nothing(desk, tmp_path):
    text = "".join(card(f"Person {i}", f"404 555 {i:04d}") for i in range(50)) + card("Last One", "404 555 9999")
    desk.store.db.execute("CREATE TRIGGER refuse_last BEFORE INSERT ON customers WHEN NEW.name = 'Last One' "
                          "BEGIN SELECT RAISE(ABORT, 'the disk failed'); END")
    before = state(desk)
    with pytest.raises(sqlite3.IntegrityError, match="the disk failed"):
        import_contacts(desk, [vcf(tmp_path, text)])
    assert state(desk) == before


def test_ctrl_c_midway_leaves_the_database_as_it_was(desk, tmp_path):
    text = "".join(card(f"Person {i}", f"404 555 {i:04d}") for i in range(500))
    before = state(desk)

    def interrupt(phase, done, total):
        if phase == "importing" and done >= 200:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_contacts(desk, [vcf(tmp_path, text)], progress=interrupt)
    assert state(desk) == before
    assert import_contacts(desk, [vcf(tmp_path, text)]).created == 500


def test_a_bad_file_among_good_ones_changes_nothing(desk, tmp_path):
    good = vcf(tmp_path, card("Good Person", "404 555 0601"))
    cut = vcf(tmp_path, card("Other", "404 555 0602") + "BEGIN:VCARD\r\nFN:Cut\r\n", "cut.vcf")
    before = state(desk)
    with pytest.raises(DeskError, match="card 2 has no END:VCARD"):
        import_contacts(desk, [good, cut])
    assert state(desk) == before


def test_the_audit_records_who_imported_which_file(desk, tmp_path):
    path = vcf(tmp_path, card("Ann Example", "404 555 0701"))
    content = hashlib.sha256(path.read_bytes()).hexdigest()
    summary = import_contacts(desk, [path])
    [log] = desk.store.contacts.imports()
    assert (log["id"], log["operator"], log["file"], log["sha256"], log["format"]) == (
        summary.import_ids[0], "ann", str(path.resolve()), content, "vcard")
    assert '"created": 1' in log["summary"]


def test_report_has_one_line_per_contact_and_refuses_to_overwrite(desk, tmp_path):
    report = tmp_path / "report.csv"
    import_contacts(desk, SAMPLE_FILES, report_path=report)
    rows = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 25
    assert {r["Fate"] for r in rows} == {"created", "updated", "unchanged", "skipped"}  # Mac: all on John already
    android = [r for r in rows if r["File"] == "John_Doe_ANDROID.vcf"]
    assert android[0]["Fate"] == "skipped" and android[0]["Details"] == "no name and no number"
    simon = next(r for r in rows if r["Contact"] == "Simon Perreault (Viagenie)")
    assert simon["Numbers"] == "'+14186569254 ext. 102 +14182626501"  # safe in a spreadsheet
    with pytest.raises(DeskError, match="already exists"):
        import_contacts(desk, SAMPLE_FILES, report_path=report)
    import_contacts(desk, SAMPLE_FILES, report_path=report, force=True)
    rows = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert {r["Fate"] for r in rows} == {"unchanged", "skipped"}


# -- out and back in --------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["vcard", "csv"])
def test_round_trip_into_an_empty_desk(desk, tmp_path, fmt, db_path, clock):
    from frontdesk.db import open_database
    from frontdesk.services import Desk
    from frontdesk.store import Store

    import_contacts(desk, SAMPLE_FILES, keep_without_phone=True)
    desk.customers.create_customer("", "Plumbing Co", "=cmd|' /C calc'!A0", numbers=("404 555 0801",))
    desk.customers.add_phone(desk.customers.create_customer("Ext Person", numbers=("404 555 0802",)).id,
                             "404 555 0803 ext. 12", "reception")
    out = tmp_path / f"out.{fmt}"
    with out.open("w", encoding="utf-8", newline="") as file:
        count = (write_vcards if fmt == "vcard" else write_google_csv)(desk, file)
    assert count == len(customers(desk))
    if fmt == "csv":
        text = out.read_text(encoding="utf-8-sig")
        assert "'=cmd|" in text and ",'+1" in text  # formula-safe like the call export
    other = Desk(Store(open_database(tmp_path / "empty.db")), clock, "bob", env={"TZ": "America/New_York",
                                                                               "FRONTDESK_REGION": "US"})
    try:
        back = import_contacts(other, [out], keep_without_phone=True)
        assert back.created == count and not back.skipped
        mine, theirs = customers(desk), customers(other)
        assert sorted(mine) == sorted(theirs)
        for shown, record in mine.items():
            assert theirs[shown]["company"] == record["company"], shown
            assert theirs[shown]["name"] == record["name"], shown
            assert theirs[shown]["notes"] == record["notes"], shown
            assert theirs[shown]["numbers"] == record["numbers"], shown
            assert theirs[shown]["emails"] == record["emails"], shown
    finally:
        other.store.close()


def test_the_import_lookups_use_their_indexes(desk, tmp_path):
    """At 100,000 customers a scan per contact would make an import of 10,000 take minutes."""
    desk.customers.create_customer("Ann Example", numbers=("404 555 0701",))
    statements: list[str] = []
    desk.store.trace(statements.append)
    try:  # one contact that updates a customer, one that is new
        import_contacts(desk, [vcf(tmp_path, card("Ann Example", "404 555 0701", "404 555 0702",
                                                  email="ann@example.test") + card("Bo New", "404 555 0703"))])
    finally:
        desk.store.trace(None)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and
             any(t in s for t in ("phones", "customer_emails", "contact_keys", "FROM customers"))]
    assert len(reads) >= 5
    for sql in reads:
        plan = " / ".join(row[3] for row in desk.store.db.conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert not any(part.startswith(("SCAN phones", "SCAN customers", "SCAN customer_emails", "SCAN contact_keys"))
                       for part in plan.split(" / ")), (sql, plan)


def test_emails_are_on_the_customer_record(desk, tmp_path):
    import_contacts(desk, [vcf(tmp_path, card("Ann Example", "404 555 0701", email="ann@example.test"))])
    [ann] = desk.store.customers_with_number("+14045550701")
    assert desk.customers.emails(ann.id) == ("ann@example.test",)


@pytest.mark.parametrize("text", [
    "\ufeffFirst Name;Last Name;Organization Name;Notes;Phone 1 - Label;Phone 1 - Value\r\n"
    'Maria;López;Acme;"Line 1\r\nLine 2";Mobile;+1 404-555-0901 ::: +1 404-555-0902\r\n',
    "First Name,Last Name,Company,Business Phone,Mobile Phone,E-mail Address,Notes\r\n"
    "Maria,López,Acme,(404) 555-0901,404.555.0902,maria@acme.test,\"Line 1\nLine 2\"\r\n",
], ids=["google-semicolons-bom", "outlook"])
def test_csv_sheets_import_once(desk, tmp_path, text):
    path = tmp_path / "sheet.csv"
    path.write_bytes(text.encode("utf-8"))
    first = import_contacts(desk, [path])
    assert first.created == 1
    maria = customers(desk)["Maria López"]
    assert maria["company"] == "Acme" and maria["notes"] in ("Line 1\nLine 2",)
    assert [e for e, _, _ in maria["numbers"]] == ["+14045550901", "+14045550902"]
    again = import_contacts(desk, [path])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
