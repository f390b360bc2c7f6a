#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# run.sh: the bedboard-server benchmarks of issue 2, in one run on this machine.
#
#   1. read path: wrk (1 thread, 32 connections, --latency) on
#      GET /api/v1/hospitals/{id} of bedboard-server, of bare-soup (a bare
#      single-threaded SoupServer answering the same bytes: the floor of our
#      HTTP stack) and of nginx serving the same bytes as a static file;
#   2. booking throughput: book-storm, concurrent staff clients holding and
#      cancelling beds, then check-holds.py proves from the database that no
#      bed was ever held or occupied twice;
#   3. WebSocket fan-out: ws-fanout, 500 clients on /api/v1/events, delay from
#      a bed change's POST to each client.
#
# Everything runs on loopback on free ports, in a temporary directory, and is
# stopped on exit. Prints a summary table; exit status 1 if a check failed
# (targets missed are reported, not failures).
#
# Environment: BUILD (build dir, default _build-bench, release), DURATION
# (wrk seconds, default 10), REPEAT (interleaved wrk runs per server, 3),
# BARE_THREADS (threads of the SO_REUSEPORT bare-soup row, 2), BOOK_SECONDS (10), BOOK_CLIENTS (32),
# BOOK_ADD_WARDS (20) wards of BOOK_BEDS_PER_WARD (50) beds added first,
# WS_CLIENTS (500), WS_CHANGES (100), CALLGRIND (1: count instructions per
# request under valgrind, 0: skip), DB_DIR (where the
# database lives, default the temporary directory under /tmp; point it at
# /dev/shm to take the disk's fsync out of the booking figure).
set -euo pipefail

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$SRC/_build-bench}
DURATION=${DURATION:-10}
REPEAT=${REPEAT:-3}
BARE_THREADS=${BARE_THREADS:-2}
BOOK_SECONDS=${BOOK_SECONDS:-10}
BOOK_CLIENTS=${BOOK_CLIENTS:-32}
BOOK_ADD_WARDS=${BOOK_ADD_WARDS:-20}
BOOK_BEDS_PER_WARD=${BOOK_BEDS_PER_WARD:-50}
WS_CLIENTS=${WS_CLIENTS:-500}
WS_CHANGES=${WS_CHANGES:-100}
CALLGRIND=${CALLGRIND:-1}
PYTHON=/usr/bin/python3

for tool in wrk nginx curl sqlite3 meson "$PYTHON"; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed" >&2; exit 2; }
done

# 500 WebSocket clients plus the server's side of them need more than 1024 fds.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((WS_CLIENTS * 2 + 256)) ]; then
  echo "run.sh: the fd limit ($(ulimit -n)) is too low for $WS_CLIENTS WebSocket clients" >&2
  exit 2
fi

echo "== building (release) in $BUILD"
if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup -Dbuildtype=release "$BUILD" "$SRC" >/dev/null
fi
# ninja rather than meson compile: it re-reads meson.build if it changed.
ninja -C "$BUILD" src/server/bedboard-server bench/bare-soup bench/book-storm bench/ws-fanout >/dev/null

TMP=$(mktemp -d /tmp/bb-bench.XXXXXX)
chmod 755 "$TMP"   # nginx's worker runs as nobody and must read the page
DB_DIR=${DB_DIR:-$TMP}
DB=$DB_DIR/bench-$$.db
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -f "$DB" "$DB-wal" "$DB-shm"
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_line FILE PATTERN SECONDS: the port printed on the matching line.
wait_for_port() {
  local file=$1 i
  for i in $(seq 1 $(($2 * 10))); do
    if grep -q 'listening on http://127.0.0.1:' "$file" 2>/dev/null; then
      sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$file" | head -1
      return 0
    fi
    sleep 0.1
  done
  echo "run.sh: no 'listening on' line in $file after $2 s:" >&2
  tail -5 "$file" >&2
  return 1
}

# wrk_ms VALUE: wrk's 308.00us / 1.20ms / 1.02s in milliseconds.
wrk_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000
    printf "%.2f", n }'
}

FAILED=0
declare -A RPS P50 P99

# run_wrk NAME URL REPEAT: one wrk run; appends "rps p50 p99" to $TMP/NAME.runs.
run_wrk() {
  local name=$1 url=$2 out=$TMP/wrk-$1-$3.txt rps p50 p99
  wrk -t1 -c32 -d1s "$url" >/dev/null      # warm up: connections, caches
  wrk -t1 -c32 -d"${DURATION}s" --latency "$url" >"$out"
  if grep -q 'Non-2xx' "$out"; then
    echo "run.sh: $name answered non-2xx responses" >&2
    FAILED=1
  fi
  rps=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$out")
  p50=$(wrk_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
  p99=$(wrk_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
  printf '   %-22s run %s: %8s req/s  p50 %6s ms  p99 %6s ms%s\n' "$name" "$3" "$rps" "$p50" "$p99" \
    "$(grep -o 'Socket errors.*' "$out" | sed 's/^/  /')"
  echo "$rps $p50 $p99" >>"$TMP/$name.runs"
}

# median COLUMN FILE
median() {
  awk -v c="$1" '{ print $c }' "$2" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

echo "== starting bedboard-server --demo (database $DB)"
BEDBOARD_FAST_HASH=1 "$BUILD/src/server/bedboard-server" --demo --db "$DB" --port 0 \
  >"$TMP/server.log" 2>&1 &
PIDS+=($!)
BB_PORT=$(wait_for_port "$TMP/server.log" 120)
BB_URL=http://127.0.0.1:$BB_PORT
PATH_READ=/api/v1/hospitals/1

mkdir -p "$TMP/www"
curl -sf "$BB_URL$PATH_READ" -o "$TMP/www/hospital.json"
chmod 644 "$TMP/www/hospital.json"
echo "   $PATH_READ is $(stat -c %s "$TMP/www/hospital.json") bytes"

echo "== starting bare-soup and nginx with the same bytes"
"$BUILD/bench/bare-soup" --body "$TMP/www/hospital.json" --port 0 --seconds 3600 >"$TMP/bare.log" 2>&1 &
PIDS+=($!)
BARE_PORT=$(wait_for_port "$TMP/bare.log" 10)
"$BUILD/bench/bare-soup" --body "$TMP/www/hospital.json" --port 0 --threads "$BARE_THREADS" \
  --seconds 3600 >"$TMP/bare-mt.log" 2>&1 &
PIDS+=($!)
BARE_MT_PORT=$(wait_for_port "$TMP/bare-mt.log" 10)

NGINX_PORT=$(free_port)
sed -e "s|@PREFIX@|$TMP|g" -e "s|@PORT@|$NGINX_PORT|g" "$SRC/bench/server/nginx.conf.in" >"$TMP/nginx.conf"
nginx -p "$TMP" -c "$TMP/nginx.conf" >"$TMP/nginx.out" 2>&1 &
PIDS+=($!)
for i in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$NGINX_PORT$PATH_READ" -o /dev/null && break
  sleep 0.1
done

for url in "http://127.0.0.1:$BARE_PORT$PATH_READ" "http://127.0.0.1:$BARE_MT_PORT$PATH_READ" \
           "http://127.0.0.1:$NGINX_PORT$PATH_READ"; do
  if ! curl -sf "$url" | cmp -s - "$TMP/www/hospital.json"; then
    echo "run.sh: $url does not answer the same bytes as bedboard-server" >&2
    exit 1
  fi
done

# Interleaved repeats, so load from anything else on the machine falls on
# all servers alike; the summary takes medians.
echo "== wrk -t1 -c32 -d${DURATION}s --latency, $REPEAT interleaved runs each (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
for r in $(seq 1 "$REPEAT"); do
  run_wrk bedboard "$BB_URL$PATH_READ" "$r"
  run_wrk bare-soup "http://127.0.0.1:$BARE_PORT$PATH_READ" "$r"
  run_wrk bare-soup-x$BARE_THREADS "http://127.0.0.1:$BARE_MT_PORT$PATH_READ" "$r"
  run_wrk nginx "http://127.0.0.1:$NGINX_PORT$PATH_READ" "$r"
done
READ_NAMES=(bedboard bare-soup "bare-soup-x$BARE_THREADS" nginx)
for name in "${READ_NAMES[@]}"; do
  RPS[$name]=$(printf '%.0f' "$(median 1 "$TMP/$name.runs")")
  P50[$name]=$(median 2 "$TMP/$name.runs")
  P99[$name]=$(median 3 "$TMP/$name.runs")
done
# The ratio of each interleaved pair, then the median of those.
paste -d' ' "$TMP/bedboard.runs" "$TMP/bare-soup.runs" | awk '{ if ($4 > 0) printf "%.3f\n", $1 / $4; else print 0 }' \
  >"$TMP/ratio.runs"
echo "   bedboard / bare-soup per run: $(tr '\n' ' ' <"$TMP/ratio.runs")(load average: $(cut -d' ' -f1-3 /proc/loadavg))"

# The cache must not have served stale bytes: the page is unchanged so far.
curl -sf "$BB_URL$PATH_READ" | cmp -s - "$TMP/www/hospital.json" || {
  echo "run.sh: bedboard's page changed during the read benchmark" >&2; FAILED=1; }

# Instructions per request, bedboard vs bare-soup, under callgrind: the wrk
# figures above move with whatever else the machine runs, this does not.
declare -A IR
if [ "$CALLGRIND" = 1 ] && command -v valgrind >/dev/null && command -v callgrind_control >/dev/null; then
  echo "== callgrind: user-space instructions per cached GET (wrk -t1 -c8 -d3s under valgrind)"
  sqlite3 "$DB" ".backup '$TMP/cg.db'"
  valgrind --tool=callgrind --callgrind-out-file="$TMP/cg-bedboard.%p.out" \
    "$BUILD/src/server/bedboard-server" --db "$TMP/cg.db" --port 0 >"$TMP/cg-bedboard.log" 2>&1 &
  CG_BB=$!
  PIDS+=($CG_BB)
  valgrind --tool=callgrind --callgrind-out-file="$TMP/cg-bare-soup.%p.out" \
    "$BUILD/bench/bare-soup" --body "$TMP/www/hospital.json" --port 0 --seconds 600 \
    >"$TMP/cg-bare-soup.log" 2>&1 &
  CG_BARE=$!
  PIDS+=($CG_BARE)
  for name in bedboard bare-soup; do
    if [ $name = bedboard ]; then pid=$CG_BB; else pid=$CG_BARE; fi
    port=$(wait_for_port "$TMP/cg-$name.log" 120)
    curl -sf "http://127.0.0.1:$port$PATH_READ" | cmp -s - "$TMP/www/hospital.json" || {
      echo "run.sh: $name under valgrind does not answer the page" >&2; FAILED=1; continue; }
    callgrind_control -z "$pid" >/dev/null 2>&1
    wrk -t1 -c8 -d3s "http://127.0.0.1:$port$PATH_READ" >"$TMP/cg-wrk-$name.txt"
    callgrind_control -d "$pid" >/dev/null 2>&1
    sleep 1
    requests=$(awk '/requests in/ { print $1 }' "$TMP/cg-wrk-$name.txt")
    total=$(callgrind_annotate "$TMP/cg-$name.$pid.out.1" 2>/dev/null |
            awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
    IR[$name]=$(awk -v t="$total" -v n="$requests" 'BEGIN { if (n + 0 > 0) printf "%.0f", t / n; else print 0 }')
    echo "   $name: ${IR[$name]} instructions per request ($requests requests)"
  done
  kill "$CG_BB" "$CG_BARE" 2>/dev/null || true
fi

echo "== booking storm: $BOOK_CLIENTS clients, ${BOOK_SECONDS}s, +$BOOK_ADD_WARDS wards of $BOOK_BEDS_PER_WARD beds"
BOOK_OK=yes
"$BUILD/bench/book-storm" --url "$BB_URL" --clients "$BOOK_CLIENTS" --seconds "$BOOK_SECONDS" \
  --add-wards "$BOOK_ADD_WARDS" --add-beds "$BOOK_BEDS_PER_WARD" >"$TMP/book.txt" 2>&1 || BOOK_OK=no
sed 's/^/   /' "$TMP/book.txt" | grep -v '^   RESULT' | tail -8
BOOK=$(grep '^RESULT book-storm' "$TMP/book.txt" || echo "RESULT book-storm bookings_per_s=0 p99_ms=0 ok=no")
CHECK_OK=yes
"$PYTHON" "$SRC/bench/server/check-holds.py" "$DB" >"$TMP/check.txt" 2>&1 || CHECK_OK=no
sed 's/^/   /' "$TMP/check.txt"
[ "$BOOK_OK" = yes ] && [ "$CHECK_OK" = yes ] || FAILED=1

echo "== WebSocket fan-out: $WS_CLIENTS clients, $WS_CHANGES bed changes"
WS_OK=yes
"$BUILD/bench/ws-fanout" --url "$BB_URL" --clients "$WS_CLIENTS" --changes "$WS_CHANGES" \
  >"$TMP/ws.txt" 2>&1 || WS_OK=no
sed 's/^/   /' "$TMP/ws.txt" | grep -v '^   RESULT' | tail -6
WS=$(grep '^RESULT ws-fanout' "$TMP/ws.txt" || echo "RESULT ws-fanout p50_ms=0 p99_ms=0 ok=no")
[ "$WS_OK" = yes ] || FAILED=1

field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# ratio A B: A / B with two decimals (0 when B is 0).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else printf "0" }'; }
# at_least V MIN / below V MAX: "met" or "MISSED".
at_least() { awk -v v="$1" -v m="$2" 'BEGIN { if (v + 0 >= m + 0) print "met"; else print "MISSED" }'; }
below() { awk -v v="$1" -v m="$2" 'BEGIN { if (v + 0 < m + 0 && v + 0 > 0) print "met"; else print "MISSED" }'; }
RATIO=$(printf '%.2f' "$(median 1 "$TMP/ratio.runs")")
READ_MET=MISSED
if [ "$(at_least "$RATIO" 0.9)" = met ] && [ "$(below "${P99[bedboard]}" 10)" = met ]; then
  READ_MET=met
fi

echo
echo "== summary ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average now $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-34s %12s %10s %10s\n' "read path (medians of $REPEAT)" "req/s" "p50 ms" "p99 ms"
for name in "${READ_NAMES[@]}"; do
  printf '%-34s %12s %10s %10s\n' "$name" "${RPS[$name]}" "${P50[$name]}" "${P99[$name]}"
done
printf '%-34s %12s   target >= 0.90x with p99 < 10 ms: %s\n' "bedboard / bare-soup" "${RATIO}x" "$READ_MET"
if [ -n "${IR[bedboard]:-}" ] && [ -n "${IR[bare-soup]:-}" ]; then
  printf '%-34s %12s   (callgrind: %s vs %s instructions per request)\n' "bare-soup / bedboard instructions" \
    "$(ratio "${IR[bare-soup]}" "${IR[bedboard]}")x" "${IR[bedboard]}" "${IR[bare-soup]}"
fi
printf '%-34s %12s\n' "bare-soup / nginx" "$(ratio "${RPS[bare-soup]}" "${RPS[nginx]}")x"
printf '%-34s %12s %10s %10s   target >= 1000/s: %s, checks: %s\n' "bookings (holds/s)" \
  "$(field "$BOOK" bookings_per_s)" "$(field "$BOOK" p50_ms)" "$(field "$BOOK" p99_ms)" \
  "$(at_least "$(field "$BOOK" bookings_per_s)" 1000)" \
  "$([ "$BOOK_OK" = yes ] && [ "$CHECK_OK" = yes ] && echo 'no bed held or occupied twice' || echo FAILED)"
printf '%-34s %12s %10s %10s   target p99 < 50 ms: %s\n' "WebSocket fan-out ($WS_CLIENTS clients)" \
  "$(field "$WS" deliveries)" "$(field "$WS" p50_ms)" "$(field "$WS" p99_ms)" \
  "$(below "$(field "$WS" p99_ms)" 50)"
echo "(database: $DB_DIR; fan-out column 2 is deliveries, not a rate)"

exit $FAILED
