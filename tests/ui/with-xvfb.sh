#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# with-xvfb.sh COMMAND [ARG...]: runs COMMAND under a private Xvfb and
# returns its exit status.
#
# Xvfb -displayfd chooses a free display itself, by trying to listen on
# each in turn, and then writes its number to the file descriptor. That is
# atomic, unlike `xvfb-run -a`, which looks for a free lock file first and
# starts the server after: a test starting just as another one's server is
# going away (or a developer's own xvfb-run) could then get a display that
# no server answers ("cannot open display: :99").
set -eu

if ! command -v Xvfb >/dev/null 2>&1; then
  echo "1..0 # SKIP Xvfb is not installed"
  exit 0
fi

tmp=$(mktemp -d)
xvfb_pid=
cleanup () {
  if [ -n "$xvfb_pid" ]; then
    kill "$xvfb_pid" 2>/dev/null || true
    wait "$xvfb_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp -noreset 3>"$tmp/display" 2>"$tmp/xvfb.log" &
xvfb_pid=$!

# the number arrives once the server listens (normally well under a second)
i=0
while ! grep -q '^[0-9]' "$tmp/display" 2>/dev/null; do
  if ! kill -0 "$xvfb_pid" 2>/dev/null || [ "$i" -ge 300 ]; then
    echo "Bail out! Xvfb did not start:" >&2
    cat "$tmp/xvfb.log" >&2
    exit 1
  fi
  sleep 0.1
  i=$((i + 1))
done
DISPLAY=:$(head -n 1 "$tmp/display")
export DISPLAY

status=0
"$@" || status=$?
exit "$status"
