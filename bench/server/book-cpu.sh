#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# book-cpu.sh: server CPU time per booking request, and optionally the
# fsyncs it makes, during one book-storm on a fresh --demo database.
#
#   BUILD=_build-bench bench/server/book-cpu.sh [book-storm args...]
#
# Prints book-storm's report and the server's CPU time (utime + stime from
# /proc/PID/stat) over the storm. STRACE=1 also counts fsync/fdatasync calls
# with strace -c (which slows the server: use separate runs for CPU time).
# DB_DIR (default /tmp) is where the database lives; /dev/shm takes the disk
# out. Defaults: --clients 32 --seconds 5 --add-wards 1 --add-beds 1000.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$SRC/_build-bench}
DIR=$(mktemp -d "${DB_DIR:-/tmp}/bb-book-cpu.XXXXXX")
ARGS=("$@")
[ ${#ARGS[@]} -gt 0 ] || ARGS=(--add-wards 1 --add-beds 1000)
PID=
SPID=

cleanup() {
  [ -n "$SPID" ] && kill -INT "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$DIR"
}
trap cleanup EXIT

BEDBOARD_FAST_HASH=1 "$BUILD/src/server/bedboard-server" --demo --db "$DIR/db" --port 0 >"$DIR/log" 2>&1 &
PID=$!
for _ in $(seq 1 300); do
  grep -q 'listening on' "$DIR/log" && break
  sleep 0.1
done
PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$DIR/log" | head -1)
[ -n "$PORT" ] || { echo "book-cpu.sh: the server did not start" >&2; cat "$DIR/log" >&2; exit 1; }

if [ "${STRACE:-0}" = 1 ]; then
  strace -f -p "$PID" -e trace=fsync,fdatasync -c -o "$DIR/strace.txt" 2>/dev/null &
  SPID=$!
  sleep 0.5
fi

ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
T0=$(ticks)
"$BUILD/bench/book-storm" --url "http://127.0.0.1:$PORT" --clients 32 --seconds 5 "${ARGS[@]}"
T1=$(ticks)
HZ=$(getconf CLK_TCK)
echo "server CPU over the storm: $(awk -v t=$((T1 - T0)) -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }') s" \
     "(load average $(cut -d' ' -f1-3 /proc/loadavg))"

if [ -n "$SPID" ]; then
  kill -INT "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null || true
  SPID=
  grep -E 'fsync|fdatasync' "$DIR/strace.txt" || echo "no fsync calls"
fi
