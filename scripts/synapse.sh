#!/usr/bin/env bash
# Install Matrix Synapse into its own venv under a cache folder, for the Matrix connector tests.
# Usage: scripts/synapse.sh [install|path]
#   install  create the venv when missing (about 40 s, 250 MB); idempotent
#   path     print the venv's python (whether or not it exists)
# The folder is $COMMANDER_SYNAPSE_HOME, else ~/.cache/incident-commander/synapse.
# Synapse stays out of the project's venv: it pins its own versions of many packages.
set -euo pipefail
HOME_DIR="${COMMANDER_SYNAPSE_HOME:-${HOME}/.cache/incident-commander/synapse}"
VENV="$HOME_DIR/venv"
PYTHON_BIN="${PYTHON:-python3}"

case "${1:-install}" in
    path)
        echo "$VENV/bin/python"
        ;;
    install)
        if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import synapse" 2>/dev/null; then
            exit 0
        fi
        mkdir -p "$HOME_DIR"
        rm -rf "$VENV"
        "$PYTHON_BIN" -m venv "$VENV"
        "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
        "$VENV/bin/python" -m pip install -q "matrix-synapse>=1.100" 2>&1 \
            | grep -v "^WARNING: Location" >&2 || true
        "$VENV/bin/python" -c "import synapse" \
            || { echo "synapse: installation failed" >&2; exit 1; }
        ;;
    *)
        echo "usage: $0 [install|path]" >&2
        exit 2
        ;;
esac
