#!/usr/bin/env bash
# Drive the real app in a real terminal: tmux at 80x24 with TERM=xterm (16 colours),
# log a call with keys, and read it back from the screen and from the database.
# Usage: bash tests/tmux_check.sh   (make tmux-check; needs tmux)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tmux-check: tmux is not installed, skipped"; exit 0; }
bin=${FRONTDESK_BIN:-$PWD/.venv/bin/frontdesk}
work=$(mktemp -d)
session="frontdesk-check-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT
db="$work/desk.db"

screen() { tmux capture-pane -p -t "$session"; }
wait_for() {  # wait_for TEXT [SECONDS]
  for _ in $(seq 1 $(( ${2:-10} * 10 ))); do
    screen | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  echo "tmux-check: '$1' never appeared; the screen was:"; screen; exit 1
}

tmux new-session -d -s "$session" -x 80 -y 24 \
  "env TERM=xterm FRONTDESK_OPERATOR=tmuxcheck FRONTDESK_REGION=US NO_COLOR=${NO_COLOR:-} $bin --db $db"
wait_for "Today's calls"
tmux send-keys -t "$session" n
wait_for "Phone"
tmux send-keys -t "$session" -l "(404) 555-0142"
tmux send-keys -t "$session" Tab
tmux send-keys -t "$session" -l "Tmux Tester"
tmux send-keys -t "$session" Tab
tmux send-keys -t "$session" -l "Checked by tmux"
tmux send-keys -t "$session" C-s
wait_for "Logged call with Tmux Tester"
wait_for "Checked by"
screen | grep -F "Tmux Tester" >/dev/null
tmux send-keys -t "$session" q
sleep 0.5
"$bin" --db "$db" export --format json | grep -q '"topic": "Checked by tmux"'
echo "tmux-check: logged a call by keys at 80x24 (TERM=xterm) and read it back: ok"
