"""Address books in and out: `frontdesk import` and `frontdesk contacts`.

- `source.py`: opening a contact file: its encoding (UTF-8 with or without a byte-order mark,
  UTF-16, or a legacy 8-bit code page), its format (vCard or CSV, found from the content) and
  the refusals (missing, empty, binary).
- `vcard.py`: a small tolerant vCard 2.1/3.0/4.0 reader, streaming card by card.
- `csvfile.py`: Google (current and older), Outlook (web and desktop) and plain CSV sheets.
- `model.py`: the contact as the readers give it; `numbers.py`: numbers and their labels.
- `importer.py`: matching contacts to customers and applying them in one transaction.
- `writer.py`: customers out as vCard 3.0 or Google-header CSV.

The readers keep only what FrontDesk keeps (names, company, numbers with labels, emails,
notes); a maintained parser (vobject 0.9.9) fails on six of the real files in
tests/samples/contacts/, hence the reader of our own (vcard.py says which and why).
"""
