#!/usr/bin/env bash
# Drive the real app in a real terminal: tmux at 80x24 with TERM=xterm (16 colours), with keys
# as a receptionist's hands send them (whole bursts in one go), and read the results back from
# the screen and from the database.
# Usage: bash tests/tmux_check.sh   (make tmux-check; needs tmux)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tmux-check: tmux is not installed, skipped"; exit 0; }
bin=${FRONTDESK_BIN:-$PWD/.venv/bin/frontdesk}
py=$(dirname "$bin")/python
[ -x "$py" ] || py=python3
work=$(mktemp -d)
session="frontdesk-check-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT
db="$work/desk.db"
export FRONTDESK_OPERATOR=tmuxcheck FRONTDESK_REGION=US

screen() { tmux capture-pane -p -t "$session"; }
keys() { tmux send-keys -t "$session" "$@"; }
fail() { echo "tmux-check: $1; the screen was:"; screen; exit 1; }
wait_for() {  # wait_for TEXT [SECONDS]
  for _ in $(seq 1 $(( ${2:-10} * 10 ))); do
    screen | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  fail "'$1' never appeared"
}
fd() { "$bin" --db "$db" "$@"; }
due() { fd due "$@" || [ $? -eq 1 ]; }  # status 1: some callback is overdue
json() {  # json PYTHON-EXPRESSION: evaluated with `d` = the JSON read from standard input
  "$py" -c "import json, sys; d = json.load(sys.stdin); print($1)"
}

# -- the desk before the app opens: today's calls, one overdue promise, promises in 15 min ------
# Twenty callers a minute apart, the newest 2 minutes ago (just after midnight some are yesterday's).
for i in $(seq 1 20); do
  fd log --phone "(212) 555-01$(printf %02d "$i")" --name "Caller $(printf %02d "$i")" --at "$(( 22 - i ))m ago" >/dev/null
done
# Called 3 hours ago, promised a callback 30 minutes later: overdue now.
fd log --phone "(212) 555-0199" --name "Kate Smith" --topic "Overdue promise" --at "3h ago" --callback-in 30m >/dev/null
# A promise made in the form is due in 15 minutes (not 1 business hour: the desk may be closed now).
"$py" - "$db" <<'EOF'
import sys
from dataclasses import replace

from frontdesk.clock import SystemClock
from frontdesk.db import open_database
from frontdesk.services import Desk
from frontdesk.store import Store

store = Store(open_database(sys.argv[1]))
desk = Desk(store, SystemClock(), "tmuxcheck")
desk.save_settings(replace(desk.settings, default_promise="15m"))
store.close()
EOF

tmux new-session -d -s "$session" -x 80 -y 24 \
  "env TERM=xterm FRONTDESK_OPERATOR=tmuxcheck FRONTDESK_REGION=US NO_COLOR=${NO_COLOR:-} $bin --db $db"
wait_for "Today's calls"
wait_for "Kate Smith"

# -- a name typed on the desk is a search, even one starting with a queue key (k: acknowledge) --
keys -l "kate smith"
wait_for "· search ·"
wait_for "kate smith"
wait_for "Customers (1)"
acknowledged=$("$py" -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(
  'SELECT count(*) FROM callbacks WHERE acknowledged_at IS NOT NULL').fetchone()[0])" "$db")
[ "$acknowledged" = 0 ] || fail "typing 'kate smith' acknowledged the overdue callback"
due --format json | json "[c['caller'] for c in d['callbacks'] if c['overdue']]" | grep -qF "Kate Smith" \
  || fail "Kate Smith's callback is no longer overdue and open"
echo "tmux-check: 'kate smith' typed on the desk searched for it and acknowledged nothing: ok"
keys Escape
wait_for "· desk ·"

# -- scrolling today's calls, then Enter opens the row highlighted ------------------------------
# Today's calls as the desk lists them, newest first; the cursor starts on the first row and
# goes down 10 and up 3: the 8th row.
today=$(fd export --format json | json "len(d['calls'])")
if [ "$today" -ge 11 ]; then
  expected=$(fd export --format json \
    | json "sorted(d['calls'], key=lambda c: (c['date'], c['time']), reverse=True)[7]['customer']")
  keys Tab  # from the queue (it has the overdue promise) to today's calls
  keys Down Down Down Down Down Down Down Down Down Down Up Up Up
  keys Enter
  wait_for "· customer ·"
  screen | sed -n 2p | grep -qE "^ $expected +#[0-9]+" || fail "Enter on the 8th row did not open $expected"
  echo "tmux-check: Down x10, Up x3, Enter opened the 8th of today's calls ($expected): ok"
  keys Escape
  wait_for "· desk ·"
else
  echo "tmux-check: only $today calls today (just after midnight): the scrolling check is skipped"
fi

# -- one burst from n to ctrl+s: a new caller, a topic, a note, the outcome 'callback promised' --
keys n 2125550178 Tab "Burst Caller" Tab Quote Tab "call me" Tab Enter Down Enter C-s
wait_for "Logged call with Burst Caller"
fd export --format json | json "[c['outcome'] for c in d['calls'] if c['customer'] == 'Burst Caller']" \
  | grep -qF "['callback']" || fail "the burst did not log Burst Caller's call with a promised callback"
due --within 2h --format json | json "[c['caller'] for c in d['callbacks']]" | grep -qF "Burst Caller" \
  || fail "Burst Caller's promise is not due within 2 hours"
echo "tmux-check: n, number, Tab, name, topic, note, outcome, ctrl+s in one burst logged a promise: ok"

# -- one burst takes a message: outcome two down ('message taken'), for whom, boxes c and u ----
wait_for "· desk ·"
keys n 2125550177 Tab "Msg Caller" Tab Lease Tab "ring me back" Tab Down Down Tab tmuxcheck Tab c u C-s
wait_for "Logged call with Msg"
wait_for "1 message"
status=0; fd messages --unread --format json > "$work/messages.json" || status=$?
[ "$status" = 1 ] || fail "frontdesk messages exited $status with an urgent message unread (not 1)"
json "[(m['for'], m['boxes'], m['text']) for m in d['messages']]" < "$work/messages.json" \
  | grep -qF "[('tmuxcheck', ['please_call', 'urgent'], 'ring me back')]" \
  || fail "the burst did not take the message with its boxes: $(cat "$work/messages.json")"
keys i
wait_for "Messages for tmuxcheck"
keys Enter
wait_for "Message #"
keys Escape
wait_for "none unread"
fd messages --unread | grep -qF "no unread messages" || fail "reading the message did not mark it read"
keys Escape
echo "tmux-check: a message taken in one burst (for whom, please call back, urgent), counted and read: ok"

# -- a call typed key by key, read back from the screen and the database -----------------------
wait_for "· desk ·"
keys n
wait_for "Phone"
keys -l "(404) 555-0142"
keys Tab
keys -l "Tmux Tester"
keys Tab
keys -l "Checked by tmux"
# Too small a terminal: a sentence says so; large enough again, the form is back as it was.
wait_for "Checked by tmux"
tmux resize-window -t "$session" -x 70 -y 20
wait_for "FrontDesk needs a terminal of at least 80x24; this one is 70x20"
tmux resize-window -t "$session" -x 80 -y 24
wait_for "Checked by tmux"
screen | grep -qF "Tmux Tester" || fail "the form lost the name while the terminal was too small"
keys C-s
wait_for "Logged call with Tmux Tester"
wait_for "Checked by"
screen | grep -F "Tmux Tester" >/dev/null

# -- a callback returned in one burst: c (the queue's first, overdue promise), a note, Tab, ctrl+s --
# Tab used to move the focus off the queue before the queue had read the c, and the letters of
# the note then ran desk keys (r: reports).
queued=$(due --within 24h --format json | json "len([c for c in d['callbacks']])")
keys Tab  # from today's calls (focused since the scrolling check) to the queue
sleep 0.3
keys c "rang back, all sorted" Tab C-s
for _ in $(seq 1 50); do  # until the save is in the database (at most 5 s)
  left=$(due --within 24h --format json | json "len([c for c in d['callbacks']])")
  [ "$left" -lt "$queued" ] && break
  sleep 0.1
done
[ "$left" -eq $(( queued - 1 )) ] || fail "the burst did not close one promise ($queued before, $left after)"
noted=$(fd export --format json | json "[c['customer'] for c in d['calls'] if c['note'] == 'rang back, all sorted']")
[ "$noted" = "['Kate Smith']" ] || fail "the note typed in the burst is not on one call to Kate Smith: $noted"
echo "tmux-check: c, a note, Tab, ctrl+s in one burst returned Kate Smith's overdue callback: ok"
keys q
sleep 0.5
fd export --format json | grep -q '"topic": "Checked by tmux"'
echo "tmux-check: logged a call by keys at 80x24 (TERM=xterm), through a too-small terminal, and read it back: ok"
