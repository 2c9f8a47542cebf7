"""The README is the user's manual: the parts scripts rely on must say what the code does."""
import re
from pathlib import Path

from frontdesk.export import HEADERS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_lists_the_export_columns_in_their_order():
    text = README.read_text(encoding="utf-8")
    start = text.index("- Columns, in this order:") + len("- Columns, in this order:")
    listed = " ".join(text[start:text.index(". One row per call", start)].split())
    assert [c.strip().lower() for c in listed.split(",")] == [h.lower() for h in HEADERS]


def test_readme_exit_status_table_has_one_row_per_status():
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| status | means |"):]
    table = table[:table.index("\n\n")]
    statuses = re.findall(r"^\| (\d+) \|", table, flags=re.M)
    assert len(statuses) == len(set(statuses)), statuses
