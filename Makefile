# Bedboard: the two commands.
#   make run    install what is missing, build, start the demo server and open the client on it
#   make check  install what is missing, build and run the whole test suite
# Everything else is plain meson in _build/.

BUILDDIR ?= _build
PORT ?= 8470
DEMO_DB ?= $(BUILDDIR)/demo.db

# Debian 12 packages needed to build, run and test. One list, used by make and by .ci/run.
DEBS = meson ninja-build pkg-config gcc gettext python3 \
       libglib2.0-dev libsoup-3.0-dev libjson-glib-dev libsqlite3-dev libsodium-dev \
       libxgboost-dev zlib1g-dev sqlite3 curl \
       libgtk-4-dev libadwaita-1-dev xvfb xauth desktop-file-utils appstream \
       fonts-lohit-deva \
       python3-dogtail at-spi2-core dbus-x11

.PHONY: all deps print-debs build run check clean

all: build

print-debs:
	@echo $(DEBS)

# Install only what is missing. As root we use apt-get; otherwise we say the exact line and stop.
deps:
	@missing=""; \
	for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing missing Debian packages:$$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing || exit 1; \
	  else \
	    echo "Bedboard needs these Debian packages. Please run:"; \
	    echo "  sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

$(BUILDDIR)/build.ninja:
	meson setup $(BUILDDIR)

build: deps $(BUILDDIR)/build.ninja
	meson compile -C $(BUILDDIR)

# The server runs in the background on the demo network; the client opens on
# it once it answers /api/v1/health, and the server stops when the client exits.
run: build
	@echo "Starting bedboard-server on its demo network (database $(DEMO_DB), http://127.0.0.1:$(PORT))."
	@BEDBOARD_MODELS_DIR=$(CURDIR)/models $(BUILDDIR)/src/server/bedboard-server --demo --db $(DEMO_DB) --port $(PORT) --simulate 60 & \
	server=$$!; \
	trap 'kill $$server 2>/dev/null; wait $$server 2>/dev/null' EXIT INT TERM; \
	up=no; \
	for i in $$(seq 1 300); do \
	  if curl -fsS -o /dev/null http://127.0.0.1:$(PORT)/api/v1/health 2>/dev/null; then up=yes; break; fi; \
	  kill -0 $$server 2>/dev/null || break; \
	  sleep 0.1; \
	done; \
	if [ $$up != yes ]; then echo "bedboard-server did not answer on port $(PORT)."; exit 1; fi; \
	if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "No display for the client: the server keeps running at http://127.0.0.1:$(PORT) (Ctrl-C stops it)."; \
	  wait $$server; exit 0; \
	fi; \
	GSETTINGS_SCHEMA_DIR=$(abspath $(BUILDDIR))/data BEDBOARD_LOCALEDIR=$(abspath $(BUILDDIR))/po $(BUILDDIR)/src/client/bedboard --server http://127.0.0.1:$(PORT)

check: build
	@rm -f $(BUILDDIR)/meson-logs/testlog.json
	-meson test -C $(BUILDDIR) --print-errorlogs --num-processes 2
	@python3 tests/summarize.py $(BUILDDIR)/meson-logs/testlog.json

clean:
	rm -rf $(BUILDDIR)
