#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/forecast/run.sh: the bed-release forecast in C (bedboard-los forecast)
# against a straightforward Python reference (reference.py: python3-xgboost,
# numpy, scipy) on the same model and the same synthetic ward, drawn from
# the model card's aggregate statistics (make_ward.py). Checks that the
# numbers agree, then prints the time per forecast of each and the ratio.
#
#   bench/forecast/run.sh                 # every card in models/
#   MODELS="a.card.json b.card.json" BUILD=_build-x bench/forecast/run.sh
#
# Environment: BUILD (meson build dir, default _build), MODELS, N (inpatients,
# 2000), BOOKINGS (20), REPEAT (C runs, 200), PY_REPEAT (Python runs, 5).
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$SRC/bench/forecast
BUILD=${BUILD:-$SRC/_build}
MODELS=${MODELS:-$(ls "$SRC"/models/*.card.json 2>/dev/null || true)}
N=${N:-2000}
BOOKINGS=${BOOKINGS:-20}
REPEAT=${REPEAT:-200}
PY_REPEAT=${PY_REPEAT:-5}
PY=/usr/bin/python3   # Debian's, with python3-xgboost; not a pyenv one

if [ -z "$MODELS" ]; then
  echo "run.sh: no model cards (set MODELS or add them to models/)" >&2
  exit 1
fi
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" "$SRC" >/dev/null
meson compile -C "$BUILD" src/tools/bedboard-los >/dev/null
LOS=$BUILD/src/tools/bedboard-los

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
echo "xgboost $($PY -c 'import xgboost; print(xgboost.__version__)'), numpy $($PY -c 'import numpy; print(numpy.__version__)')"
status=0
for card in $MODELS; do
  name=$(basename "$card" .card.json)
  echo
  echo "== $name: $N inpatients, $BOOKINGS bookings, $N beds, 14 days at 6 h"
  $PY "$HERE/make_ward.py" --card "$card" --inpatients "$N" --bookings "$BOOKINGS" --seed 1 --out "$OUT/$name-big"
  $LOS forecast --model "$card" --inpatients "$OUT/$name-big/inpatients.csv" \
    --bookings "$OUT/$name-big/bookings.csv" --capacity "$N" --repeat "$REPEAT" \
    >"$OUT/$name-big-c.json" 2>"$OUT/$name-big-c.time"
  $PY "$HERE/reference.py" --model "$card" --inpatients "$OUT/$name-big/inpatients.csv" \
    --bookings "$OUT/$name-big/bookings.csv" --capacity "$N" --repeat "$PY_REPEAT" \
    >"$OUT/$name-big-py.json" 2>"$OUT/$name-big-py.time"
  sed 's/^/  /' "$OUT/$name-big-c.time" "$OUT/$name-big-py.time"
  $PY "$HERE/compare.py" "$OUT/$name-big-c.json" "$OUT/$name-big-py.json" || status=1
  c_ms=$(sed -n 's/.*: \([0-9.]*\) ms per forecast.*/\1/p' "$OUT/$name-big-c.time")
  py_ms=$(sed -n 's/.*: \([0-9.]*\) ms per forecast.*/\1/p' "$OUT/$name-big-py.time")
  echo "  C $c_ms ms, Python $py_ms ms: Python/C = $($PY -c "print('%.0f' % ($py_ms / $c_ms))")x"

  # a small ward, where free beds are scarce and the first free bed is hours away
  echo "== $name: 30 inpatients in 30 beds, 12 bookings (agreement only)"
  $PY "$HERE/make_ward.py" --card "$card" --inpatients 30 --bookings 12 --seed 2 --out "$OUT/$name-small"
  $LOS forecast --model "$card" --inpatients "$OUT/$name-small/inpatients.csv" \
    --bookings "$OUT/$name-small/bookings.csv" --capacity 30 >"$OUT/$name-small-c.json"
  $PY "$HERE/reference.py" --model "$card" --inpatients "$OUT/$name-small/inpatients.csv" \
    --bookings "$OUT/$name-small/bookings.csv" --capacity 30 >"$OUT/$name-small-py.json"
  $PY "$HERE/compare.py" "$OUT/$name-small-c.json" "$OUT/$name-small-py.json" || status=1
done
exit $status
