#!/usr/bin/env bash
# Smoke checks of the PyInstaller one-folder bundle (not part of the test suite).
#
#   .venv/bin/pyinstaller --noconfirm build.spec
#   scripts/check_bundle.sh [BUNDLE_DIR] [--screenshot FILE.png]
#
# Every run of the bundle gets an empty environment (env -i), a fresh HOME and a
# throwaway SQLite file, so nothing from the checkout or the venv can hide a file
# or module the bundle lacks. Covers every feature that loads code or data by name:
# CLI command groups, migrations, checklists, runbooks, templates, a connector
# (slack-webhook against a local HTTP server), secrets (file fallback), Markdown,
# nh3, the Qt PDF writer, reports, search, and the window (offscreen and on Xvfb).
# Optional: a real keyring when gnome-keyring-daemon is installed; PostgreSQL when
# CHECK_BUNDLE_PG_URL names an empty throwaway database.
# Prints one line per check with its time; exits 1 if any failed.
set -u

BUNDLE=dist/commander
SHOT=""
while [ $# -gt 0 ]; do
    case "$1" in
        --screenshot) SHOT="$2"; shift 2 ;;
        *) BUNDLE="$1"; shift ;;
    esac
done
EXE="$(cd "$BUNDLE" && pwd)/commander"
[ -x "$EXE" ] || { echo "no bundle at $BUNDLE (build it: .venv/bin/pyinstaller --noconfirm build.spec)"; exit 2; }

WORK="$(mktemp -d)"
FAKE_HOME="$WORK/home"
mkdir -p "$FAKE_HOME"
DB="$WORK/incidents.sqlite"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT

failures=0
OUT="$WORK/out"
ERR="$WORK/err"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f s", b - a }'; }

# bundle ARGS...: run the bundle in an empty environment against the throwaway store.
bundle() {
    env -i HOME="$FAKE_HOME" PATH=/usr/bin:/bin QT_QPA_PLATFORM=offscreen LANG=C.UTF-8 \
        COMMANDER_AUTHOR=smoke "$EXE" --db "$DB" "$@"
}
export -f bundle  # the checks below run it inside bash -c
export EXE DB FAKE_HOME

# check NAME TEST_COMMAND...: run it, keep its output in $OUT/$ERR, report.
check() {
    local name="$1"
    shift
    local start end
    start=$(now)
    if "$@" >"$OUT" 2>"$ERR"; then
        end=$(now)
        printf 'ok    %-28s %s\n' "$name" "$(elapsed "$start" "$end")"
    else
        end=$(now)
        failures=$((failures + 1))
        printf 'FAIL  %-28s %s\n' "$name" "$(elapsed "$start" "$end")"
        sed 's/^/      | /' "$OUT" "$ERR" | tail -n 15
    fi
}

has() { grep -q -- "$1" "$OUT"; }

# --- CLI ------------------------------------------------------------------
check "--version" bundle --version
check "declare" bash -c 'bundle declare "Checkout latency spike" --severity P1 \
    --summary "p99 over 4 s" >"$0" && grep -qx "INC-1" "$0"' "$OUT"
REF=INC-1
check "log" bundle log "$REF" "paged the payments on-call" --kind action
check "show has the entry" bash -c 'bundle show INC-1 >"$0" && grep -q "paged the payments" "$0"' "$OUT"
check "checklist (resources/)" bash -c 'bundle checklist INC-1 >"$0" && grep -q "\[ \]" "$0"' "$OUT"
check "check REF 1" bundle check "$REF" 1
check "checklist shows [x]" bash -c 'bundle checklist INC-1 >"$0" && grep -q "\[x\]" "$0"' "$OUT"
check "runbooks (resources/)" bash -c 'bundle runbooks >"$0" && grep -qi "disk" "$0"' "$OUT"

# --- comms: a target with a secret from stdin, one delivery to a local server ---
/usr/bin/python3 - "$WORK" <<'PY' &
import http.server, pathlib, sys
work = pathlib.Path(sys.argv[1])
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        (work / "received").write_bytes(body)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
(work / "port.tmp").write_text(str(server.server_address[1]))
(work / "port.tmp").rename(work / "port")
server.serve_forever()
PY
PIDS+=($!)
for _ in $(seq 50); do [ -f "$WORK/port" ] && break; sleep 0.1; done
HOOK_URL="http://127.0.0.1:$(cat "$WORK/port")/hook/s3cr3t-token"

check "target add (secret stdin)" bash -c 'printf %s "$1" | bundle target add smoke-hook slack-webhook \
    --secret-stdin' _ "$HOOK_URL"
check "target list hides secret" bash -c 'bundle target list >"$0" && grep -q smoke-hook "$0" \
    && ! grep -q s3cr3t "$0"' "$OUT"
check "secret not in the store" bash -c '! grep -qa s3cr3t "$0"' "$DB"
check "secret file fallback 0600" bash -c \
    'f="$0/.config/incident-commander/secrets.json"; [ "$(stat -c %a "$f")" = 600 ]' "$FAKE_HOME"
check "send --wait (connector)" bundle send "$REF" --target smoke-hook --wait --timeout 30
check "server got the update" grep -q "Checkout latency spike" "$WORK/received"

# --- secrets in a real keyring (Secret Service), when this machine can run one ---
# Above, env -i leaves no D-Bus, so secrets went to the 0600 file. Here keyring must
# find its SecretService backend by entry point inside the bundle.
if command -v gnome-keyring-daemon >/dev/null && command -v dbus-run-session >/dev/null; then
    KEYRING_HOME="$WORK/keyring-home"
    mkdir -p "$KEYRING_HOME"
    export KEYRING_HOME HOOK_URL
    check "secret in Secret Service" timeout 60 dbus-run-session -- bash -c '
        export HOME="$KEYRING_HOME"
        printf %s pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1
        kb() { env -i HOME="$HOME" PATH=/usr/bin:/bin DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS" \
            COMMANDER_AUTHOR=smoke "$EXE" --db "$HOME/k.sqlite" "$@"; }
        kb declare "Keyring check" --severity P3 >/dev/null || exit 1
        printf %s "$HOOK_URL" | kb target add kr slack-webhook --secret-stdin || exit 1
        [ ! -e "$HOME/.config/incident-commander/secrets.json" ] || { echo "went to the file"; exit 1; }
        kb send INC-1 --target kr --wait --timeout 30'
else
    echo "skip  secret in Secret Service (needs gnome-keyring-daemon, dbus-run-session)"
fi

# --- exports (Markdown, nh3-cleaned HTML, Qt PDF, JSON) ---------------------
check "export md" bash -c 'bundle export INC-1 --format md -o "$0/x.md" && grep -q "Checkout latency" "$0/x.md"' "$WORK"
check "export html" bash -c 'bundle export INC-1 --format html -o "$0/x.html" && grep -q "<h1>" "$0/x.html"' "$WORK"
check "export pdf" bash -c 'bundle export INC-1 --format pdf -o "$0/x.pdf" && head -c 5 "$0/x.pdf" | grep -q "%PDF-"' "$WORK"
if command -v pdftotext >/dev/null; then
    check "pdftotext reads the pdf" bash -c 'pdftotext "$0/x.pdf" - | grep -q "Checkout latency"' "$WORK"
fi
check "export json" bash -c 'bundle export INC-1 --format json -o "$0/x.json" \
    && /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"ref\"]==\"INC-1\"" "$0/x.json"' "$WORK"
check "report --json" bash -c 'bundle report --json >"$0" && /usr/bin/python3 -m json.tool "$0" >/dev/null' "$OUT"
check "search WORD" bash -c 'bundle search payments >"$0" && grep -q INC-1 "$0"' "$OUT"

# --- team mode: only with CHECK_BUNDLE_PG_URL=postgresql+psycopg://... (an empty, throwaway
# database: the checks migrate it and write to it) --------------------------------------
if [ -n "${CHECK_BUNDLE_PG_URL:-}" ]; then
    export CHECK_BUNDLE_PG_URL
    check "postgresql (psycopg)" bash -c 'pg() { env -i HOME="$FAKE_HOME" PATH=/usr/bin:/bin \
        COMMANDER_AUTHOR=smoke "$EXE" --db "$CHECK_BUNDLE_PG_URL" "$@"; }
        ref=$(pg declare "Replica lag on the bundle" --severity P2) || exit 1
        pg log "$ref" "replica lag 40 s" && pg search replica | grep -q "$ref"'
else
    echo "skip  postgresql (set CHECK_BUNDLE_PG_URL to an empty throwaway database)"
fi

# --- the window -------------------------------------------------------------
# COMMANDER_STARTUP_PROBE prints "painted T" and "listed T", then closes the window.
probe() {
    local start
    start=$(now)
    "$@" >"$WORK/probe" 2>"$WORK/probe.err" || { cat "$WORK/probe" "$WORK/probe.err"; return 1; }
    grep -q '^painted ' "$WORK/probe" && grep -q '^listed ' "$WORK/probe" \
        || { cat "$WORK/probe" "$WORK/probe.err"; return 1; }
    awk -v s="$start" '{ printf "%s %.2f s  ", $1, $2 - s } END { print "" }' "$WORK/probe" \
        | grep -E '^painted' >"$WORK/probe_times"
}
check "window probe offscreen" probe env -i HOME="$FAKE_HOME" PATH=/usr/bin:/bin \
    QT_QPA_PLATFORM=offscreen COMMANDER_STARTUP_PROBE=1 "$EXE" --db "$DB"
[ -s "$WORK/probe_times" ] && echo "      $(cat "$WORK/probe_times")"
if command -v xvfb-run >/dev/null; then
    rm -f "$WORK/probe_times"
    # xvfb-run sets DISPLAY and XAUTHORITY; env -i keeps only those of its variables.
    check "window probe xvfb (xcb)" probe xvfb-run -a sh -c 'exec env -i HOME="$FAKE_HOME" \
        PATH=/usr/bin:/bin DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" QT_QPA_PLATFORM=xcb \
        COMMANDER_STARTUP_PROBE=1 "$EXE" --db "$DB"'
    [ -s "$WORK/probe_times" ] && echo "      $(cat "$WORK/probe_times")"
else
    echo "skip  window probe xvfb (no xvfb-run)"
fi

# --- optional: a whole-screen shot of the bundled window on Xvfb ------------
if [ -n "$SHOT" ]; then
    DISPLAY_NUM=:$((90 + RANDOM % 100))
    Xvfb "$DISPLAY_NUM" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
    PIDS+=($!)
    sleep 1
    echo '{"author": "smoke"}' >"$WORK/settings.json"
    env -i HOME="$FAKE_HOME" PATH=/usr/bin:/bin DISPLAY="$DISPLAY_NUM" QT_QPA_PLATFORM=xcb \
        COMMANDER_SETTINGS="$WORK/settings.json" "$EXE" --db "$DB" >"$WORK/window.log" 2>&1 &
    PIDS+=($!)
    sleep 6
    check "screenshot $SHOT" env DISPLAY="$DISPLAY_NUM" /usr/bin/import -window root "$SHOT"
fi

if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all checks passed"
