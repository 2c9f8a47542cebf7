#!/usr/bin/env bash
# The week's HTML opened in a real browser (not part of `make test`): renders the fixed week
# (tests/week_data.py, the same desk as the golden files) with headless Chromium from Debian's
# packages to PNGs at phone width (390 px, whole and a screenful at a time) and at A4 width, and
# prints it to an A4 PDF (and its pages to PNGs when pdftoppm is installed).
#
#   bash tests/render_week.sh [OUT_DIR]      (default: /tmp/frontdesk-week)
#
# Installs chromium with apt-get when it is missing and we are root; otherwise says so and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/frontdesk-week}"
mkdir -p "$out"

browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get install -y chromium >/dev/null
        browser="$(command -v chromium)"
    else
        echo "render_week: no chromium here (apt-get install chromium), nothing rendered" >&2
        exit 0
    fi
fi

.venv/bin/python - "$out" <<'EOF'
import sys
from pathlib import Path

sys.path.insert(0, "tests")
from week_data import ENV_FOR_RENDER, make_week_desk  # noqa: E402

from frontdesk.db import open_database  # noqa: E402
from frontdesk.store import Store  # noqa: E402
from frontdesk.week import week_report  # noqa: E402
from frontdesk.week_render import html  # noqa: E402

out = Path(sys.argv[1])
db = out / "week.db"
for suffix in ("", "-wal", "-shm"):
    Path(f"{db}{suffix}").unlink(missing_ok=True)
store = Store(open_database(db))
desk, _ = make_week_desk(store, ENV_FOR_RENDER)
(out / "week.html").write_text(html(week_report(desk)), encoding="utf-8")
store.close()
EOF

flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
       --disable-background-networking --force-device-scale-factor=1)
url="file://$out/week.html"
"$browser" "${flags[@]}" --window-size=390,3000 --screenshot="$out/week-phone.png" "$url" 2>/dev/null
# The phone's screen, a screenful at a time (a copy of the page shifted up by whole screens).
for n in 0 1 2 3; do
    sed "s|<body>|<body style=\"margin-top:-$((n * 844))px\">|" "$out/week.html" > "$out/week-shift.html"
    "$browser" "${flags[@]}" --window-size=390,844 --screenshot="$out/week-phone-$((n + 1)).png" \
        "file://$out/week-shift.html" 2>/dev/null
done
rm -f "$out/week-shift.html"
"$browser" "${flags[@]}" --window-size=794,3300 --screenshot="$out/week-a4.png" "$url" 2>/dev/null
"$browser" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$out/week-a4.pdf" "$url" 2>/dev/null
# The printed pages as pictures, when poppler-utils is here (apt-get install poppler-utils).
if command -v pdftoppm >/dev/null; then
    pdftoppm -r 60 -png "$out/week-a4.pdf" "$out/week-a4-page"
fi
ls -l "$out"/week-phone*.png "$out"/week-a4*.png "$out"/week-a4.pdf
