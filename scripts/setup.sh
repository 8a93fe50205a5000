# Sourced by scripts/run and scripts/test: make this checkout ready to run.
# - installs the Debian packages Qt needs when they are missing (as root, via apt-get)
# - creates .venv when missing and (re)installs the project when pyproject.toml changed
set -euo pipefail
# runuser, and on some systems apt-get, live in the sbin folders a minimal PATH lacks.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON_BIN="${PYTHON:-python3}"

# Qt offscreen + fonts, a real window under X (xcb), xvfb-run, and PostgreSQL for team-mode tests.
QT_PACKAGES="libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0
 libxkbcommon0 fonts-dejavu-core fontconfig-config libxcb-cursor0 libxcb-icccm4 libxcb-image0
 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0
 xvfb xauth"

missing_packages() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || printf '%s ' "$pkg"
    done
}

ensure_system_packages() {
    command -v dpkg-query >/dev/null 2>&1 || return 0   # not Debian/Ubuntu: the user's job
    # shellcheck disable=SC2086
    local missing
    missing="$(missing_packages $QT_PACKAGES "$@")"
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: missing system packages: $missing" >&2
        echo "setup: install them with: sudo apt-get install -y $missing" >&2
        return 1
    fi
    echo "setup: installing system packages: $missing" >&2
    apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

ensure_venv() {
    local extras="$1"
    if [ ! -x "$VENV/bin/python" ]; then
        echo "setup: creating $VENV" >&2
        "$PYTHON_BIN" -m venv "$VENV"
        "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
    fi
    # Reinstall only when the project description or the wanted extras changed.
    local stamp="$VENV/.installed-$extras"
    local wanted
    wanted="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
        echo "setup: installing incident-commander[$extras] into $VENV" >&2
        "$VENV/bin/python" -m pip install -q -e "$ROOT[$extras]" 2>&1 \
            | grep -v "^WARNING: Location" >&2 || true
        "$VENV/bin/python" -c "import commander, PySide6, sqlalchemy" \
            || { echo "setup: installation failed" >&2; return 1; }
        echo "$wanted" > "$stamp"
    fi
}
