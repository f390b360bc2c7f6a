#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# e2e-booking.py: the accessibility-driven end-to-end test of the bedboard
# client. It starts a real demo bedboard-server and the real `bedboard`
# client, then drives the client over AT-SPI with dogtail the way an
# assistive technology does: widgets are found by role and accessible name,
# buttons are pressed through their AT-SPI "click" action, text goes in
# through EditableText, numbers through Value, and drop-downs are opened and
# chosen with the keyboard. Staff log in through the login dialog, open a
# ward on the ward board, book a bed of that ward with the forecast shown,
# confirm, and see the bed reserved on the ward board; the server's API then
# says the booking is confirmed.
#
# It must run inside a private session bus and an X display (tests/ui/run-e2e.sh:
# dbus-run-session + xvfb-run -a), with /usr/bin/python3 (python3-dogtail).
# Output is TAP; the exit status is non-zero when a step fails.
#
# Env: BB_BUILD_DIR (build root; default the _build next to this source tree),
# BB_E2E_STEP_TIMEOUT (seconds one step may wait, default 60).

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

STEPS = [
    "the demo server is listening",
    "the client shows its window on the accessibility bus",
    "staff log in through the login dialog",
    "the ward board shows the chosen ward",
    "the booking page has the same hospital and ward",
    "the intake fields are filled in",
    "the forecast shows a verdict, the chance a bed is free and the likely stay",
    "Book bed holds a bed",
    "Confirm booking confirms it",
    "the ward board shows the bed reserved",
    "the server says the booking is confirmed and the bed reserved",
]

STEP_TIMEOUT = float(os.environ.get("BB_E2E_STEP_TIMEOUT", "60"))
PASSWORD = "demo"
STAFF = "staff@demo.bedboard"


class StepFailed(Exception):
    pass


def diag(text):
    for line in str(text).splitlines():
        print("# " + line, flush=True)


def wait_for(what, probe, timeout=STEP_TIMEOUT, interval=0.2):
    """Calls probe until it returns something true; AT-SPI errors from
    objects that went away while we looked count as "not yet"."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = probe()
            if value:
                return value
        except Exception as e:  # GLib.GError, LookupError, stale objects
            last_error = e
        if time.monotonic() > deadline:
            raise StepFailed("timed out after %.0f s waiting for %s%s" %
                             (timeout, what, " (last error: %r)" % last_error if last_error else ""))
        time.sleep(interval)


# ---- the server and its API ----

class Server:
    def __init__(self, build_dir, workdir):
        self.binary = os.path.join(build_dir, "src", "server", "bedboard-server")
        self.db = os.path.join(workdir, "e2e.db")
        self.log_path = os.path.join(workdir, "server.log")
        self.process = None
        self.url = None
        self.token = None

    def start(self):
        env = dict(os.environ, BEDBOARD_FAST_HASH="1")
        env.pop("BEDBOARD_DEMO_PASSWORD", None)
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([self.binary, "--demo", "--db", self.db, "--port", "0"],
                                        stdout=self.log, stderr=subprocess.STDOUT, env=env)

        def listening():
            if self.process.poll() is not None:
                raise StepFailed("bedboard-server exited with %s:\n%s" %
                                 (self.process.returncode, open(self.log_path).read()))
            m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", open(self.log_path).read())
            return m.group(1) if m else None
        self.url = wait_for("the server to listen", listening, timeout=max(STEP_TIMEOUT, 90))

    def request(self, method, path, body=None, token=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token is not None:
            req.add_header("Authorization", "Bearer " + token)
        with urllib.request.urlopen(req, timeout=30) as answer:
            return json.load(answer)

    def staff_token(self):
        if self.token is None:
            self.token = self.request("POST", "/api/v1/auth/login",
                                      {"email": STAFF, "password": PASSWORD})["token"]
        return self.token

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# ---- AT-SPI helpers (dogtail nodes) ----

def find(node, pred, what, timeout=STEP_TIMEOUT):
    """The first descendant of node matching pred, polled until it shows up."""
    return wait_for(what, lambda: node.findChild(pred, retry=False, requireResult=False),
                    timeout=timeout)


def find_all(node, pred):
    return node.findChildren(pred)


def has_state(node, state):
    """An AT-SPI state of node (dogtail's Node.selected asks the parent's
    Selection interface, which a view switcher does not have)."""
    import pyatspi
    return node.getState().contains(getattr(pyatspi, "STATE_" + state.upper()))


def is_gone(node):
    """Whether a window was destroyed or hidden."""
    import pyatspi
    try:
        states = node.getState()
        return states.contains(pyatspi.STATE_DEFUNCT) or not states.contains(pyatspi.STATE_VISIBLE)
    except Exception:
        return True


def settle():
    """GTK 4.8 (Debian 12) can crash in its AT-SPI code when an assistive
    technology lists the children of a widget whose new children have no
    accessible object yet (GLib-CRITICAL g_variant_new_object_path on a NULL
    path, then SIGSEGV in a D-Bus method handler of libgtk-4). After logging
    in, the window builds the staff pages at once; walking the tree in that
    moment crashed the client in about one run in fifteen on a loaded
    machine. So give it a moment to realise them before looking again."""
    time.sleep(float(os.environ.get("BB_E2E_SETTLE", "2")))


def role_name(role, name):
    return lambda n: n.roleName == role and n.name == name


def labels_outside_popovers(node):
    """Label texts under node, leaving out popovers (the drop-down lists)."""
    found = []

    def walk(n):
        for child in n.children:
            if child is None:
                continue
            if child.name == "GtkPopover":
                continue
            if child.roleName == "label":
                found.append(child.name)
            walk(child)
    walk(node)
    return found


def combo_current(combo, title):
    """The value a GtkDropDown or AdwComboRow shows now."""
    values = [t for t in labels_outside_popovers(combo) if t not in ("(None)", title, "")]
    return values[0] if values else None


def popover_list(combo):
    popover = combo.findChild(lambda n: n.name == "GtkPopover", retry=False, requireResult=False)
    if popover is None:
        return None
    return popover.findChild(lambda n: n.roleName == "list", retry=False, requireResult=False)


def list_items(lst):
    items = []
    for child in lst.children:
        if child is not None and child.roleName == "list item":
            label = child.findChild(lambda n: n.roleName == "label", retry=False, requireResult=False)
            items.append((child, label.name if label is not None else None))
    return items


def press(key):
    from dogtail import rawinput
    rawinput.pressKey(key)


def focus_with_tab(app, node, what, max_presses=80):
    """Moves the keyboard focus to node with Tab, as a keyboard user does
    (GTK 4.8 does not implement AT-SPI Component.GrabFocus)."""
    try:
        node.grabFocus()
    except Exception:
        pass
    for _ in range(max_presses):
        if node.focused:
            return
        press("Tab")
        time.sleep(0.15)
    if not node.focused:
        raise StepFailed("could not move the focus to %s with Tab" % what)


def choose(app, combo, title, target, open_popover):
    """Chooses target in a drop-down: open its list, move the focus to the
    item with the arrow keys, press Return; check the drop-down shows it."""
    if combo_current(combo, title) == target:
        return
    for attempt in range(3):
        open_popover()
        lst = wait_for("the list of %s to open" % title,
                       lambda: (lambda l: l if l is not None and list_items(l) else None)(popover_list(combo)),
                       timeout=20)
        names = [name for _, name in list_items(lst)]
        if target not in names:
            raise StepFailed("%r is not among the choices of %s: %s" % (target, title, names))
        goal = names.index(target)
        for _ in range(len(names) * 2 + 2):
            items = list_items(lst)
            current = next((i for i, (item, _) in enumerate(items) if item.focused), None)
            if current == goal:
                break
            press("Down" if current is None or current < goal else "Up")
            time.sleep(0.15)
        press("Return")
        try:
            wait_for("%s to show %r" % (title, target),
                     lambda: combo_current(combo, title) == target, timeout=10)
            return
        except StepFailed as e:
            diag("attempt %d: %s" % (attempt + 1, e))
            press("Escape")
            time.sleep(0.5)
    raise StepFailed("%s did not take %r (it shows %r)" % (title, target, combo_current(combo, title)))


def click(node, what):
    wait_for("%s to be sensitive" % what, lambda: node.sensitive)
    node.doActionNamed("click")


def open_page(app, name):
    """Clicks the page's tab in the view switcher (the window has a copy per
    width, rebuilt when the role changes, so look again each time)."""
    def selected():
        return any(has_state(t, "selected") for t in find_all(app, role_name("page tab", name)))
    for attempt in range(3):
        tab = find(app, role_name("page tab", name), "the %s tab" % name)
        click(tab, "the %s tab" % name)
        try:
            wait_for("the %s tab to be selected" % name, selected, timeout=STEP_TIMEOUT / 3)
            return
        except StepFailed as e:
            diag("attempt %d: %s" % (attempt + 1, e))
    raise StepFailed("the %s page did not open" % name)


# ---- the test ----

def main():
    source_dir = os.environ.get("BB_SOURCE_DIR",
                                os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    build_dir = os.environ.get("BB_BUILD_DIR", os.path.join(source_dir, "_build"))
    client_binary = os.path.join(build_dir, "src", "client", "bedboard")
    workdir = tempfile.mkdtemp(prefix="bedboard-e2e-")
    print("1..%d" % len(STEPS), flush=True)

    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS") or not os.environ.get("DISPLAY"):
        print("Bail out! needs a session bus and a display: run it through tests/ui/run-e2e.sh", flush=True)
        return 1

    # dogtail checks a GNOME setting that GTK 4 does not need: it speaks
    # AT-SPI whenever the accessibility bus is there.
    from dogtail.config import config
    config.checkForA11y = False
    config.logDebugToFile = False
    config.logDebugToStdOut = False
    config.searchCutoffCount = 1
    config.actionDelay = 0.2
    config.defaultDelay = 0.2
    config.typingDelay = 0.05

    processes = []
    server = Server(build_dir, workdir)
    state = {}
    number = 0
    failed = False

    def step(function):
        nonlocal number, failed
        number += 1
        if failed:
            print("not ok %d - %s # SKIP an earlier step failed" % (number, STEPS[number - 1]), flush=True)
            return
        started = time.monotonic()
        try:
            function()
        except Exception as e:
            failed = True
            print("not ok %d - %s" % (number, STEPS[number - 1]), flush=True)
            diag("%s" % e)
            if not isinstance(e, StepFailed):
                diag(traceback.format_exc())
            return
        print("ok %d - %s (%.1f s)" % (number, STEPS[number - 1], time.monotonic() - started), flush=True)

    try:
        # 1: the server.
        step(server.start)

        # 2: the accessibility bus, then the client on it.
        def start_client():
            launcher = shutil.which("at-spi-bus-launcher") or "/usr/libexec/at-spi-bus-launcher"
            if os.path.exists(launcher):
                processes.append(subprocess.Popen([launcher, "--launch-immediately"],
                                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            env = dict(os.environ,
                       GSETTINGS_BACKEND="memory",
                       GSETTINGS_SCHEMA_DIR=os.path.join(build_dir, "data"),
                       XDG_CACHE_HOME=os.path.join(workdir, "cache"),
                       XDG_CONFIG_HOME=os.path.join(workdir, "config"),
                       GDK_BACKEND="x11")
            # The accessibility bridge must be on.
            for name in ("NO_AT_BRIDGE", "GTK_A11Y"):
                env.pop(name, None)
            state["client_log"] = os.path.join(workdir, "client.log")
            # BB_E2E_CLIENT_WRAPPER runs the client under a debugger, e.g.
            # "gdb -batch -ex run -ex bt --args", to see where it crashed.
            wrapper = os.environ.get("BB_E2E_CLIENT_WRAPPER", "").split()
            client = subprocess.Popen(wrapper + [client_binary, "--server", server.url],
                                      stdout=open(state["client_log"], "w"), stderr=subprocess.STDOUT,
                                      env=env)
            processes.append(client)
            state["client"] = client

            from dogtail import tree

            def window():
                if client.poll() is not None:
                    raise StepFailed("bedboard exited with %s:\n%s" %
                                     (client.returncode, open(state["client_log"]).read()))
                for app in tree.root.applications():
                    if app.name == "bedboard" and (wrapper or app.get_process_id() == client.pid):
                        frame = app.findChild(role_name("frame", "Bedboard"), recursive=False,
                                              retry=False, requireResult=False)
                        if frame is not None:
                            return app, frame
                return None
            state["app"], state["window"] = wait_for("bedboard on the accessibility bus", window,
                                                     timeout=max(STEP_TIMEOUT, 90))
        step(start_client)

        # 3: log in.
        def log_in():
            app, window = state["app"], state["window"]
            button = find(window, lambda n: n.roleName == "push button" and n.name.endswith("Log In"),
                          "the Log In button of the header bar")
            click(button, "Log In")
            dialog = find(app, role_name("frame", "Log In"), "the login dialog")
            email = find(dialog, role_name("text", "E-mail"), "the E-mail field")
            password = find(dialog, role_name("text", "Password"), "the Password field")
            email.text = STAFF
            password.text = PASSWORD
            submit = find(dialog, lambda n: n.roleName == "push button" and n.name.endswith("Log In"),
                          "the dialog's Log In button")
            click(submit, "the dialog's Log In button")
            # Watch the dialog itself rather than list the application's
            # windows while it goes: see settle().
            wait_for("the login dialog to close", lambda: is_gone(dialog))
            settle()
            for page in ("Ward Board", "Booking"):
                find(window, role_name("page tab", page), "the %s page for staff" % page)
        step(log_in)

        # 4: the ward board, a ward with free beds.
        def ward_board():
            app, window = state["app"], state["window"]
            open_page(app, "Ward Board")
            page = find(window, lambda n: n.name == "BbWardBoardPage", "the ward board page")
            hospital_combo = find(page, lambda n: n.roleName == "combo box" and n.name.startswith("Hospital"),
                                  "the Hospital drop-down")
            hospital_name = wait_for("a hospital on the ward board",
                                     lambda: combo_current(hospital_combo, "Hospital"))
            hospitals = server.request("GET", "/api/v1/hospitals")["hospitals"]
            hospital = next(h for h in hospitals if h["name"] == hospital_name)
            detail = server.request("GET", "/api/v1/hospitals/%d" % hospital["id"])
            ward_combo = find(page, lambda n: n.roleName == "combo box" and n.name.startswith("Ward"),
                              "the Ward drop-down")
            shown = wait_for("a ward on the ward board", lambda: combo_current(ward_combo, "Ward"))
            # Another ward than the one shown, with free beds; the ICU model's
            # form has numbers to fill in, so prefer its wards.
            candidates = [w for w in detail["wards"] if w["name"] != shown and w["free"] >= 1]
            candidates.sort(key=lambda w: (w["model"] != "icu-los", -w["free"]))
            if not candidates:
                raise StepFailed("no other ward of %s has a free bed: %s" % (hospital_name, detail["wards"]))
            ward = candidates[0]
            diag("hospital %s, ward %s (%d beds, %d free, model %s)" %
                 (hospital_name, ward["name"], ward["capacity"], ward["free"], ward["model"]))
            toggle = ward_combo.findChild(lambda n: n.roleName == "push button", retry=False)
            choose(app, ward_combo, "Ward", ward["name"],
                   lambda: toggle.doActionNamed("click"))
            summary = find(page, lambda n: n.roleName == "label" and
                           n.name.startswith("%d beds · " % ward["capacity"]),
                           "the summary of %s" % ward["name"])
            diag("ward board: %s" % summary.name)
            state.update(page_board=page, hospital=hospital, ward=ward)
        step(ward_board)

        # 5: the booking page, the same hospital and ward.
        def booking_page():
            app, window = state["app"], state["window"]
            open_page(app, "Booking")
            page = find(window, lambda n: n.name == "BbBookingPage", "the booking page")
            hospital_row = find(page, role_name("combo box", "Hospital"), "the Hospital row")
            ward_row = find(page, role_name("combo box", "Ward"), "the Ward row")
            wait_for("a hospital on the booking page", lambda: combo_current(hospital_row, "Hospital"))
            if combo_current(hospital_row, "Hospital") != state["hospital"]["name"]:
                focus_with_tab(app, hospital_row, "the Hospital row")
                choose(app, hospital_row, "Hospital", state["hospital"]["name"], lambda: press("Return"))
            wait_for("a ward on the booking page", lambda: combo_current(ward_row, "Ward"))
            if combo_current(ward_row, "Ward") != state["ward"]["name"]:
                focus_with_tab(app, ward_row, "the Ward row")
                choose(app, ward_row, "Ward", state["ward"]["name"], lambda: press("Return"))
            state["page_booking"] = page
        step(booking_page)

        # 6: the intake: the patient reference and what the form asks.
        def intake():
            app, page = state["app"], state["page_booking"]
            state["patient_ref"] = "E2E-%d-%d" % (os.getpid(), int(time.time()))
            ref = find(page, role_name("text", "Patient reference"), "the Patient reference field")
            ref.text = state["patient_ref"]
            filled = ["Patient reference"]
            if state["ward"]["model"] == "icu-los":
                for name, value in (("Age", 71), ("Weight", 82.5)):
                    spin = find(page, lambda n, name=name: n.roleName == "spin button" and n.name.startswith(name),
                                "the %s field" % name)
                    spin.value = value
                    wait_for("%s to hold %s" % (name, value), lambda: abs(spin.value - value) < 0.01)
                    filled.append("%s %s" % (name, value))
                sex = find(page, role_name("combo box", "Sex"), "the Sex row")
                focus_with_tab(app, sex, "the Sex row")
                choose(app, sex, "Sex", "Female", lambda: press("Return"))
                filled.append("Sex Female")
            else:
                age = find(page, role_name("combo box", "Age"), "the Age row")
                focus_with_tab(app, age, "the Age row")
                choose(app, age, "Age", "70 or Older", lambda: press("Return"))
                filled.append("Age 70 or Older")
            diag("filled in: %s" % ", ".join(filled))
        step(intake)

        # 7: the forecast, computed on this computer.
        def forecast():
            page = state["page_booking"]
            check = find(page, role_name("push button", "Check beds"), "the Check beds button")
            click(check, "Check beds")
            verdict = find(page, lambda n: n.roleName == "label" and n.description == "Verdict",
                           "the verdict label")
            pattern = re.compile(r"^(A bed is free now|Likely free .+|Unlikely within 14 days.*)$")
            text = wait_for("a verdict", lambda: pattern.match(verdict.name) and verdict.name)
            chart = find(page, role_name("image", "Chance a bed is free"), "the probability chart")
            chart_text = wait_for("the chart's description",
                                  lambda: chart.description.startswith("Chance that a bed is free") and
                                  chart.description)
            stay = find(page, lambda n: n.roleName == "label" and n.description == "Predicted stay",
                        "the predicted stay label")
            stay_text = wait_for("the likely stay", lambda: stay.name.startswith("Likely stay") and stay.name)
            diag("verdict: %s" % text)
            diag("chart: %s" % chart_text)
            diag("stay: %s" % stay_text)
            if state["ward"]["free"] >= 1 and text != "A bed is free now":
                raise StepFailed("the ward has %d free beds but the verdict is %r" % (state["ward"]["free"], text))
        step(forecast)

        # 8: book: a bed is held.
        def book():
            page = state["page_booking"]
            button = find(page, role_name("push button", "Book bed"), "the Book bed button")
            click(button, "Book bed")
            held = find(page, lambda n: n.roleName == "label" and re.match(r"^Booking \d+ is held$", n.name),
                        "the held booking")
            state["booking_id"] = int(re.search(r"\d+", held.name).group(0))
            detail = find(page, lambda n: n.roleName == "label" and n.name.startswith("Bed ") and
                          " is reserved until " in n.name, "the held bed")
            state["bed_label"] = re.match(r"^Bed (\S+) is reserved", detail.name).group(1)
            diag("%s: %s" % (held.name, detail.name))
        step(book)

        # 9: confirm.
        def confirm():
            page = state["page_booking"]
            button = find(page, role_name("push button", "Confirm booking"), "the Confirm booking button")
            click(button, "Confirm booking")
            title = "Booking %d is confirmed" % state["booking_id"]
            find(page, role_name("label", title), "%r" % title)
            detail = find(page, lambda n: n.roleName == "label" and
                          n.name.startswith("Bed %s in " % state["bed_label"]) and "reserved" in n.name,
                          "the confirmed bed")
            diag("%s: %s" % (title, detail.name))
        step(confirm)

        # 10: the ward board shows the bed reserved.
        def board_reserved():
            app, page = state["app"], state["page_board"]
            open_page(app, "Ward Board")
            ward_combo = find(page, lambda n: n.roleName == "combo box" and n.name.startswith("Ward"),
                              "the Ward drop-down")
            if combo_current(ward_combo, "Ward") != state["ward"]["name"]:
                raise StepFailed("the ward board no longer shows %s" % state["ward"]["name"])
            grid = find(page, role_name("table", "Beds"), "the grid of beds")
            tile = find(grid, lambda n: n.name.startswith("%s, Reserved" % state["bed_label"]),
                        "the tile of bed %s to say Reserved" % state["bed_label"])
            summary = find(page, lambda n: n.roleName == "label" and
                           n.name.startswith("%d beds · " % state["ward"]["capacity"]) and "reserved" in n.name,
                           "the summary to count a reserved bed")
            diag("tile: %s" % tile.name)
            diag("summary: %s" % summary.name)
        step(board_reserved)

        # 11: the server agrees.
        def api_confirmed():
            token = server.staff_token()
            booking = server.request("GET", "/api/v1/bookings/%d" % state["booking_id"], token=token)
            problems = []
            if booking.get("status") != "confirmed":
                problems.append("status %r" % booking.get("status"))
            if booking.get("patient_ref") != state["patient_ref"]:
                problems.append("patient_ref %r, not %r" % (booking.get("patient_ref"), state["patient_ref"]))
            if booking.get("ward") != state["ward"]["id"] or booking.get("hospital") != state["hospital"]["id"]:
                problems.append("ward %r of hospital %r" % (booking.get("ward"), booking.get("hospital")))
            forecast = booking.get("forecast") or {}
            if forecast.get("model") != state["ward"]["model"]:
                problems.append("forecast %r (the model shown was %s)" % (forecast, state["ward"]["model"]))
            beds = server.request("GET", "/api/v1/hospitals/%d/wards/%d/beds" %
                                  (state["hospital"]["id"], state["ward"]["id"]), token=token)["beds"]
            bed = next((b for b in beds if b["id"] == booking.get("bed")), None)
            if bed is None or bed["label"] != state["bed_label"] or not bed["reserved"]:
                problems.append("bed %r (the client showed %s reserved)" % (bed, state["bed_label"]))
            if problems:
                raise StepFailed("booking %d: %s" % (state["booking_id"], "; ".join(problems)))
            diag("booking %d: %s, bed %s reserved, forecast %s" %
                 (state["booking_id"], booking["status"], bed["label"], json.dumps(forecast)))
        step(api_confirmed)
    finally:
        client = state.get("client")
        if failed and client is not None and client.poll() is not None:
            diag("bedboard exited with status %d during the test" % client.returncode)
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        server.stop()
        if failed:
            for name in ("client.log", "server.log"):
                path = os.path.join(workdir, name)
                if os.path.exists(path):
                    diag("---- %s (last lines) ----" % name)
                    diag("".join(open(path, errors="replace").readlines()[-60:]))
        shutil.rmtree(workdir, ignore_errors=True)

    return 1 if failed else 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *args: sys.exit(1))
    sys.exit(main())
