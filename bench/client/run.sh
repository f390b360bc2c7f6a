#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/client/run.sh: how long the occupancy chart takes to redraw with 20
# wards x 720 points (issue 4's target: under 4 ms), under xvfb-run, with
# GTK's cairo (software) renderer and its GL renderer (Mesa llvmpipe on a
# machine without a GPU), at scale 1 and 2, light and dark. Prints one line of
# numbers per configuration; see docs/performance.md, "Client charts".
#
#   bench/client/run.sh
#   BUILD=_build-x N=500 bench/client/run.sh
#
# Environment: BUILD (meson build dir, default _build), N (redraws per
# configuration, 300), PNG_DIR (if set, the last redraw of each configuration
# is saved there).
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$SRC/_build}
N=${N:-300}

command -v xvfb-run >/dev/null || { echo "run.sh: needs xvfb-run (Debian package xvfb)" >&2; exit 1; }
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" "$SRC" >/dev/null
meson compile -C "$BUILD" chart-redraw >/dev/null
EXE=$BUILD/bench/chart-redraw
out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
for renderer in cairo gl; do
  for scale in 1 2; do
    for style in light dark; do
      png=""
      if [ -n "${PNG_DIR:-}" ]; then
        mkdir -p "$PNG_DIR"
        png="--png=$PNG_DIR/chart-redraw-$renderer-x$scale-$style.png"
      fi
      dark=""
      [ "$style" = dark ] && dark=--dark
      echo "== GSK_RENDERER=$renderer GDK_SCALE=$scale $style"
      # A 24-bit screen big enough for the window at scale 2; no
      # accessibility bus or settings daemon to wait for.
      if ! GSK_RENDERER=$renderer GDK_SCALE=$scale GTK_A11Y=none GSETTINGS_BACKEND=memory \
           xvfb-run -a -s "-screen 0 2400x1200x24" \
           "$EXE" --iterations "$N" $dark $png >"$out" 2>&1; then
        cat "$out" >&2
        echo "run.sh: chart-redraw failed" >&2
        exit 1
      fi
      grep -v -e DEBUG -e '^$' "$out" || true
    done
  done
done
