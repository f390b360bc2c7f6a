#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# run-e2e.sh: runs the accessibility-driven end-to-end test (e2e-booking.py)
# in a private session bus and a virtual X display, as an assistive
# technology sees the client: the AT-SPI bridge must be on, so the variables
# the other ui tests use to turn it off are dropped here.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
unset NO_AT_BRIDGE GTK_A11Y
export BB_SOURCE_DIR="${BB_SOURCE_DIR:-$(dirname "$(dirname "$here")")}"
export BB_BUILD_DIR="${BB_BUILD_DIR:-$BB_SOURCE_DIR/_build}"

for tool in dbus-run-session Xvfb; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "1..0 # SKIP $tool is not installed"
    exit 0
  fi
done
if ! /usr/bin/python3 -c 'import dogtail, pyatspi' >/dev/null 2>&1; then
  echo "Bail out! python3-dogtail is not installed (Debian: python3-dogtail at-spi2-core dbus-x11)"
  exit 1
fi

# with-xvfb.sh starts a private X server on a display it picks atomically;
# the session bus lives as long as the test.
exec dbus-run-session -- "$here/with-xvfb.sh" /usr/bin/python3 "$here/e2e-booking.py"
