"""The contact readers over the real files of ../shared/samples/contacts/ (Android, iPhone,
Mac, Gmail, Outlook 2003/2007, Lotus Notes, BlackBerry, Evolution, Thunderbird, the RFC
examples) and over CSV sheets written with the exact headers Google and Outlook export."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from frontdesk.contacts.csvfile import read_csv
from frontdesk.contacts.model import Contact, name_key
from frontdesk.contacts.numbers import label_from_words, parse_number
from frontdesk.contacts.source import ContactFileError, inspect, text_lines, text_stream
from frontdesk.contacts.vcard import VCardError, read_vcards

# The real files, copied byte for byte (tests/samples/contacts/README.md, BSD licence).
SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "contacts"
SAMPLE_FILES = sorted(SAMPLES.glob("*.vcf"))


def read(path: Path, fmt: str = "auto") -> list[Contact]:
    opened = inspect(path, fmt)
    with path.open("rb") as file:
        if opened.format == "vcard":
            return list(read_vcards(text_lines(opened, file)))
        return list(read_csv(text_stream(opened, file), str(path)))


def phones(contact: Contact) -> list[tuple[str, str]]:
    return [(p.text, p.label) for p in contact.phones]


def test_the_samples_are_there():
    assert len(SAMPLE_FILES) == 17, f"expected the 17 sample files in {SAMPLES}"


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_every_sample_file_reads_without_error(path):
    contacts = read(path)
    assert contacts
    for contact in contacts:
        assert contact.name or contact.company or contact.emails  # something was read of each card
        for phone in contact.phones:
            assert phone.text.strip() and "\r" not in phone.text


def test_android_quoted_printable_with_soft_breaks_and_charset():
    cards = read(SAMPLES / "John_Doe_ANDROID.vcf")
    assert len(cards) == 6
    assert cards[0].emails == [("john.doe@company.com", "")] and not cards[0].name
    assert cards[2].name == "Ñ Ñ Ñ Ñ Ñ"
    assert cards[3].name == " ".join(["Ñ"] * 11)  # a soft break in the middle of the value
    assert phones(cards[3]) == [("123456", "mobile"), ("234567", "home"), ("3456789", "mobile"),
                                ("45678901", "home")]
    assert len(cards[3].notes) == 2 and cards[3].notes[0].startswith("Ñ Ñ")
    assert cards[4].company == "Ñ" * 12 and ("123456", "work fax") in phones(cards[4])
    assert cards[5].company == "Ñ" * 44  # four soft-broken lines ending in a blank line


def test_iphone_groups_labels_and_double_cr_line_ends():
    [card] = read(SAMPLES / "John_Doe_IPHONE.vcf")
    assert card.name == "Mr. John Richter James Doe Sr." and card.company == "IBM"
    assert phones(card) == [("905-555-1234", "mobile"), ("905-666-1234", "home"), ("905-777-1234", "work"),
                            ("905-888-1234", "home fax"), ("905-999-1234", "work fax"),
                            ("905-111-1234", "pager"), ("905-222-1234", "AssistantPhone")]
    assert card.emails == [("john.doe@ibm.com", "")]


def test_mac_address_book_escapes_and_free_text_label():
    [card] = read(SAMPLES / "John_Doe_MAC_ADDRESS_BOOK.vcf")
    assert card.name == "Mr. John Richter,James Doe Sr."
    assert ("905-222-1234", "AssistantPhone") in phones(card)
    assert card.notes[0].startswith('THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"')


def test_outlook_quoted_printable_notes_and_unparseable_numbers():
    [card] = read(SAMPLES / "outlook-2003.vcf")
    assert card.name == "John Doe III" and card.company == "Company, The"
    assert card.notes == ["This is the note field!!\nSecond line\n\nThird line is empty"]
    assert phones(card) == [("BusinessPhone", "work"), ("HomePhone", "home"), ("MobilePhone", "mobile"),
                            ("BusinessFaxPhone", "work fax")]
    assert card.emails == [("jdoe@hotmail.com", "")]  # after a base64 KEY and blank lines
    [card] = read(SAMPLES / "outlook-2007.vcf")
    assert card.notes[0].startswith("This is the NOTE field\t\nI assume it encodes this text inside a NOTE vCard type.\n")
    assert card.notes[0].endswith("It does not preserve the formatting")
    assert ("(111) 555-4444", "callback") in phones(card)  # X-MS-TEL;VOICE;CALLBACK
    assert card.emails == [("mike.angstadt@gmail.com", "")]  # after the embedded photo


def test_lotus_notes_blackberry_evolution_gmail():
    [lotus] = read(SAMPLES / "John_Doe_LOTUS_NOTES.vcf")
    assert lotus.name == "Mr. Doe John I Johny"
    assert phones(lotus) == [("+1 (212) 204-34456", "mobile"), ("00-1-212-555-7777", "work fax")]
    assert [a for a, _ in lotus.emails] == ["john.doe@ibm.com", "billy_bob@gmail.com"]
    [bb] = read(SAMPLES / "John_Doe_BLACK_BERRY.vcf")
    assert (bb.name, bb.company, phones(bb), bb.notes) == ("John Doe", "Acme Solutions",
                                                           [("+96123456789", "mobile")], [])
    [evo] = read(SAMPLES / "John_Doe_EVOLUTION.vcf")
    assert evo.name == "Mr. John Richter, James Doe Sr." and evo.company == "IBM"
    assert phones(evo) == [("905-666-1234", "mobile"), ("905-555-1234", "work")]  # quoted parameters
    [gmail] = read(SAMPLES / "John_Doe_GMAIL.vcf")
    assert gmail.emails == [("john.doe@ibm.com", "home")]


def test_vcard_4_tel_uri_with_extension_and_type_lists():
    [card] = read(SAMPLES / "rfc6350-example.vcf")
    assert card.name == "Simon Perreault" and card.company == "Viagenie"
    assert phones(card) == [("tel:+1-418-656-9254;ext=102", "work"), ("tel:+1-418-262-6501", "mobile")]
    number = parse_number("tel:+1-418-656-9254;ext=102", "US")
    assert (number.e164, number.ext) == ("+14186569254", "102")
    frank, tim = read(SAMPLES / "rfc2426-example.vcf")  # 'BEGIN:vCard', LF line ends, folded ADR
    assert (frank.name, tim.name) == ("Frank Dawson", "Tim Howes")
    assert phones(frank) == [("+1-919-676-9515", "work"), ("+1-919-676-9564", "work fax")]


def test_thunderbird_photo_is_skipped_and_notes_unescaped():
    [card] = read(SAMPLES / "thunderbird-MoreFunctionsForAddressBook-extension.vcf")
    assert card.notes == ['This is the notes field.\nSecond Line\n\nFourth Line\nYou can put anything in the '
                          '"note" field; even curse words.']
    assert ("555-555-3333", "fax") in phones(card) and len(card.emails) == 5


def test_numbers_are_parsed_leniently_with_the_region():
    assert parse_number("905-555-1234", "US").e164 == "+19055551234"
    assert parse_number("(111) 555-1111", "US").e164 == "+11115551111"  # unknown area code, right length
    assert parse_number("00-1-212-555-7777", "US").e164 == "+12125557777"  # 00 as the international prefix
    assert parse_number("020 7946 0018", "GB").e164 == "+442079460018"
    for text in ("BusinessPhone", "123456", "+1 (212) 204-34456", "3456789", ""):
        assert parse_number(text, "US") is None, text


def test_name_key_ignores_case_accents_spacing_and_punctuation():
    assert name_key("  José   LÓPEZ ") == name_key("jose lopez") == name_key("Jose, Lopez")
    assert name_key("Jose Lopez") != name_key("Lopez Jose")


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Ångström\r\nTEL;TYPE=CELL:+44 20 7946 0018\r\nEND:VCARD\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_encodings(tmp_path, encoding):
    path = write(tmp_path, "c.vcf", CARD.encode(encoding))
    [card] = read(path)
    assert card.name == "Zoë Ångström" and phones(card) == [("+44 20 7946 0018", "mobile")]


def test_legacy_8bit_and_quoted_printable_charsets(tmp_path):
    data = ("BEGIN:VCARD\r\nVERSION:2.1\r\nN:M\xfcller;J\xfcrgen\r\n"
            "NOTE;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Gr=FC=DFe=0D=0A=\r\nzweite Zeile\r\n"
            "TEL;WORK:+49 30 901820\r\nEND:VCARD\r\n").encode("cp1252")
    [card] = read(write(tmp_path, "c.vcf", data))
    assert card.name == "Jürgen Müller" and card.notes == ["Grüße\nzweite Zeile"]


def test_cards_ending_in_lone_cr_and_a_nested_agent_card(tmp_path):
    data = (b"BEGIN:VCARD\rVERSION:2.1\rFN:Mac Classic\rTEL:404 555 0101\r"
            b"AGENT:\rBEGIN:VCARD\rFN:Inner Agent\rTEL:404 555 0199\rEND:VCARD\rEND:VCARD\r")
    [card] = read(write(tmp_path, "c.vcf", data))
    assert card.name == "Mac Classic" and phones(card) == [("404 555 0101", "")]


def test_many_cards_and_company_only_card(tmp_path):
    cards = "".join(f"BEGIN:VCARD\nVERSION:3.0\nFN:Person {i}\nTEL:404 555 {i:04d}\nEND:VCARD\n" for i in range(300))
    company = "BEGIN:VCARD\nVERSION:3.0\nFN:Acme Ltd\nN:;;;;\nORG:Acme Ltd;Sales\nTEL:404 555 9999\nEND:VCARD\n"
    contacts = read(write(tmp_path, "c.vcf", (cards + company).encode()))
    assert len(contacts) == 301 and contacts[299].name == "Person 299"
    assert (contacts[300].name, contacts[300].company) == ("", "Acme Ltd")


def test_a_card_cut_short_refuses_the_file(tmp_path):
    path = write(tmp_path, "c.vcf", (CARD + "BEGIN:VCARD\r\nFN:Half\r\nTEL:404 555 0101\r\n").encode())
    with pytest.raises(VCardError, match="card 2 has no END:VCARD"):
        read(path)


@pytest.mark.parametrize("data, message", [
    (b"", "is empty"),
    (b"  \r\n\r\n", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary data"),
    (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100, "binary data"),
])
def test_files_that_are_not_contact_files(tmp_path, data, message):
    with pytest.raises(ContactFileError, match=message):
        inspect(write(tmp_path, "x.csv", data))


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ContactFileError, match="no such file"):
        inspect(tmp_path / "nope.vcf")
    with pytest.raises(ContactFileError, match="is a directory"):
        inspect(tmp_path)


def test_a_pipe_is_refused(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(ContactFileError, match="not a regular file"):
        inspect(tmp_path / "pipe")


def test_forced_format_that_does_not_fit(tmp_path):
    path = write(tmp_path, "c.vcf", CARD.encode())
    with pytest.raises(ContactFileError, match="not CSV"):
        inspect(path, "csv")
    with pytest.raises(ContactFileError, match="not a vCard"):
        inspect(write(tmp_path, "c.csv", b"Name,Phone\nA,1\n"), "vcard")


# -- CSV: the exact headers the programs write ---------------------------------------------
GOOGLE = ("First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,"
          "Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,"
          "Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,"
          "E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,"
          "Address 1 - Label,Address 1 - Formatted,Website 1 - Label,Website 1 - Value")
GOOGLE_OLD = ("Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name Yomi,"
              "Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,Short Name,Maiden Name,Birthday,"
              "Gender,Location,Billing Information,Directory Server,Mileage,Occupation,Hobby,Sensitivity,"
              "Priority,Subject,Notes,Language,Photo,Group Membership,E-mail 1 - Type,E-mail 1 - Value,"
              "Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Organization 1 - Type,"
              "Organization 1 - Name,Organization 1 - Yomi Name,Organization 1 - Title")
OUTLOOK_DESKTOP = ("Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,Business Street,"
                   "Business City,Business State,Business Postal Code,Business Country/Region,Home Street,"
                   "Home City,Assistant's Phone,Business Fax,Business Phone,Business Phone 2,Callback,Car Phone,"
                   "Company Main Phone,Home Fax,Home Phone,Home Phone 2,ISDN,Mobile Phone,Other Fax,Other Phone,"
                   "Pager,Primary Phone,Radio Phone,TTY/TDD Phone,Telex,Account,Anniversary,Birthday,"
                   "E-mail Address,E-mail Type,E-mail Display Name,E-mail 2 Address,Notes,Web Page")
OUTLOOK_WEB = ("First Name,Middle Name,Last Name,Title,Suffix,Nickname,Given Yomi,Surname Yomi,E-mail Address,"
               "E-mail 2 Address,E-mail 3 Address,Home Phone,Home Phone 2,Business Phone,Business Phone 2,"
               "Mobile Phone,Car Phone,Other Phone,Primary Phone,Pager,Business Fax,Home Fax,Other Fax,"
               "Company Main Phone,Callback,Radio Phone,Telex,TTY/TDD Phone,IMAddress,Job Title,Department,"
               "Company,Office Location,Manager's Name,Assistant's Name,Assistant's Phone,Company Yomi,"
               "Business Street,Business City,Business State,Business Postal Code,Business Country/Region,"
               "Notes")


def row(header: str, values: dict[str, str], sep: str = ",") -> str:
    names = header.split(",")
    cells = []
    for name in names:
        value = values.get(name, "")
        if any(c in value for c in f'"{sep}\n\r'):
            value = '"' + value.replace('"', '""') + '"'
        cells.append(value)
    return sep.join(cells)


def sheet(tmp_path, header: str, rows: list[dict[str, str]], *, sep: str = ",", bom: bool = False,
          encoding: str = "utf-8", name: str = "contacts.csv") -> Path:
    text = sep.join(header.split(",")) + "\r\n" + "".join(row(header, r, sep) + "\r\n" for r in rows)
    data = text.encode(encoding)
    return write(tmp_path, name, (codecs.BOM_UTF8 if bom else b"") + data)


def test_google_current_header(tmp_path):
    path = sheet(tmp_path, GOOGLE, [
        {"First Name": "Maria", "Last Name": "López", "Organization Name": "Acme", "Notes": "Line 1\nLine 2",
         "E-mail 1 - Label": "* Work", "E-mail 1 - Value": "maria@acme.test",
         "Phone 1 - Label": "Mobile", "Phone 1 - Value": "+1 404-555-0101 ::: +1 404-555-0102",
         "Phone 2 - Label": "Work Fax", "Phone 2 - Value": "(404) 555-0109", "Labels": "* myContacts"},
        {"Organization Name": "Plumbing Co", "Phone 1 - Label": "Work", "Phone 1 - Value": "404 555 0110"},
    ])
    maria, plumbing = read(path)
    assert (maria.name, maria.company, maria.notes) == ("Maria López", "Acme", ["Line 1\nLine 2"])
    assert phones(maria) == [("+1 404-555-0101", "mobile"), ("+1 404-555-0102", "mobile"),
                             ("(404) 555-0109", "work fax")]
    assert maria.emails == [("maria@acme.test", "work")]
    assert (plumbing.name, plumbing.company) == ("", "Plumbing Co")


def test_google_older_header(tmp_path):
    path = sheet(tmp_path, GOOGLE_OLD, [
        {"Name": "Jan de Vries", "Given Name": "Jan", "Family Name": "de Vries", "Phone 1 - Type": "Home",
         "Phone 1 - Value": "+31 20 794 6018", "Organization 1 - Name": "Tulip BV", "Notes": "VIP"},
    ])
    [jan] = read(path)
    assert (jan.name, jan.company, phones(jan), jan.notes) == ("Jan de Vries", "Tulip BV",
                                                               [("+31 20 794 6018", "home")], ["VIP"])


@pytest.mark.parametrize("header", [OUTLOOK_DESKTOP, OUTLOOK_WEB], ids=["desktop", "web"])
def test_outlook_headers(tmp_path, header):
    path = sheet(tmp_path, header, [
        {"First Name": "Raj", "Last Name": "Patel", "Company": "Patel & Sons", "Business Phone": "(404) 555-0120",
         "Mobile Phone": "404.555.0121", "Business Fax": "404-555-0122", "Assistant's Phone": "404 555 0123",
         "E-mail Address": "raj@patel.test", "Notes": "Prefers mornings"},
    ])
    [raj] = read(path)
    assert (raj.name, raj.company, raj.notes) == ("Raj Patel", "Patel & Sons", ["Prefers mornings"])
    assert sorted(phones(raj)) == sorted([("(404) 555-0120", "work"), ("404.555.0121", "mobile"),
                                          ("404-555-0122", "work fax"), ("404 555 0123", "assistant")])
    assert raj.emails == [("raj@patel.test", "")]


def test_plain_sheet_semicolons_bom_any_case_and_order(tmp_path):
    path = sheet(tmp_path, "TELEPHONE,note,Company,name", [
        {"name": "Élodie Martin", "Company": "Boulangerie", "TELEPHONE": "01 42 68 53 00",
         "note": "Livraison; le matin\net le soir"},
    ], sep=";", bom=True)
    [elodie] = read(path)
    assert (elodie.name, elodie.company) == ("Élodie Martin", "Boulangerie")
    assert phones(elodie) == [("01 42 68 53 00", "")] and elodie.notes == ["Livraison; le matin\net le soir"]


def test_plain_sheet_in_windows_1252_and_utf16(tmp_path):
    cp = sheet(tmp_path, "Name,Phone", [{"Name": "Zoë Brontë", "Phone": "404 555 0130"}], encoding="cp1252",
               name="a.csv")
    assert read(cp)[0].name == "Zoë Brontë"
    u16 = write(tmp_path, "b.csv", "Name\tPhone\r\nZoë Brontë\t404 555 0130\r\n".encode("utf-16"))
    assert [(c.name, phones(c)) for c in read(u16)] == [("Zoë Brontë", [("404 555 0130", "")])]


def test_hostile_cells_are_kept_as_text_and_our_own_formula_quote_is_taken_off(tmp_path):
    path = sheet(tmp_path, "Name,Phone,Notes", [
        {"Name": '=HYPERLINK("http://evil.test","Click")', "Phone": "404 555 0140",
         "Notes": "[bold red]markup[/] \x1b[31mred"},
        {"Name": "'=1+1", "Phone": "'+14045550141", "Notes": "'@SUM(A1)"},
    ])
    evil, quoted = read(path)
    assert evil.name == '=HYPERLINK("http://evil.test","Click")'
    assert evil.notes == ["[bold red]markup[/] \x1b[31mred"]  # cleaned when prepared (test_contacts_import)
    assert (quoted.name, phones(quoted)[0][0], quoted.notes) == ("=1+1", "+14045550141", ["@SUM(A1)"])


def test_a_sheet_without_a_recognisable_column_is_refused(tmp_path):
    path = sheet(tmp_path, "Street,City,Zip", [{"Street": "1 Main St", "City": "Springfield", "Zip": "12345"}])
    with pytest.raises(ContactFileError, match="no column FrontDesk can use.*Street, City, Zip"):
        read(path)


def test_labels_in_words():
    assert label_from_words("Business Fax") == "work fax"
    assert label_from_words("* Mobile") == "mobile"
    assert label_from_words("Company Main Phone") == "main"
    assert label_from_words("GRAND_CENTRAL") == "GRAND_CENTRAL"
