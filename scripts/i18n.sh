#!/usr/bin/env bash
# Message catalog helper (Flask-Babel). Indonesian msgids, English translations.
#
#   scripts/i18n.sh extract   templates + Python -> translations/messages.pot (or $POT)
#   scripts/i18n.sh update    extract, then merge into translations/en/LC_MESSAGES/messages.po
#                             (created on first run; new or reworded msgids come in empty/fuzzy)
#   scripts/i18n.sh compile   .po -> .mo (git-ignored; `make install` compiles them too)
#   scripts/i18n.sh check     fail if the tree has a msgid the .po lacks, or the .po has an
#                             untranslated or fuzzy entry, or a translation breaks a placeholder
#
# Typical loop after adding strings: scripts/i18n.sh update, translate the empty/fuzzy entries
# in the .po, scripts/i18n.sh check && scripts/i18n.sh compile.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="${BIN:-$ROOT/.venv/bin}"
PYBABEL="$BIN/pybabel"
PYTHON="$BIN/python"
DIR=translations
POT="${POT:-$DIR/messages.pot}"
LOCALES=(en)

extract() {
    mkdir -p "$(dirname "$POT")"
    local out
    out="$(mktemp --suffix=.pot)"
    # --ignore-dirs: Babel's default skips every directory starting with "_" (and "."), which
    # would silently drop templates/_macros/; only dot-directories and __pycache__ are skipped.
    # Keywords: _, gettext, ngettext, N_ ... are Babel defaults; _l and lazy_gettext are added.
    "$PYBABEL" -q extract -F babel.cfg \
        -k _l -k lazy_gettext -k lazy_ngettext:1,2 \
        --ignore-dirs ".* __pycache__" \
        --project SIBANTU --copyright-holder "Pemerintah Kabupaten Tangerang" \
        --msgid-bugs-address "" --add-comments "TRANSLATORS:" \
        --sort-by-file --width 100 \
        -o "$out" .
    # Keep the old file when only POT-Creation-Date would change (no churn in git).
    if [ -f "$POT" ] && cmp -s <(grep -v '^"POT-Creation-Date:' "$out") \
                              <(grep -v '^"POT-Creation-Date:' "$POT"); then
        rm -f "$out"
    else
        chmod 644 "$out" && mv "$out" "$POT"
    fi
}

update() {
    extract
    local lang
    for lang in "${LOCALES[@]}"; do
        if [ -f "$DIR/$lang/LC_MESSAGES/messages.po" ]; then
            "$PYBABEL" -q update -i "$POT" -d "$DIR" -l "$lang" \
                --ignore-obsolete --width 100
        else
            "$PYBABEL" -q init -i "$POT" -d "$DIR" -l "$lang" --width 100
        fi
    done
}

compile() {
    "$PYBABEL" -q compile -d "$DIR"
}

check() {
    local fresh
    fresh="$(mktemp --suffix=.pot)"
    trap 'rm -f "$fresh"' RETURN
    POT="$fresh" extract
    local lang
    for lang in "${LOCALES[@]}"; do
        "$PYTHON" - "$fresh" "$DIR/$lang/LC_MESSAGES/messages.po" <<'PY'
import sys

from babel.messages.pofile import read_po

pot_path, po_path = sys.argv[1:]
with open(pot_path, "rb") as f:
    template = read_po(f)
try:
    with open(po_path, "rb") as f:
        catalog = read_po(f)
except FileNotFoundError:
    sys.exit(f"{po_path}: missing; run scripts/i18n.sh update")

problems = []
for message in template:
    if message.id and message.id not in catalog:
        problems.append(f"not in the catalog (run update): {message.id!r}")
for message in catalog:
    if not message.id:
        continue
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    if message.fuzzy:
        problems.append(f"fuzzy: {message.id!r}")
    elif not all(strings):
        problems.append(f"untranslated: {message.id!r}")
for message, errors in catalog.check():
    for error in errors:
        problems.append(f"{error}: {message.id!r}")
for problem in problems:
    print(f"{po_path}: {problem}", file=sys.stderr)
if problems:
    sys.exit(f"{po_path}: {len(problems)} problem(s)")
print(f"{po_path}: {sum(1 for m in catalog if m.id)} messages, all translated")
PY
    done
}

case "${1:-}" in
    extract) extract ;;
    update) update ;;
    compile) compile ;;
    check) check ;;
    *) echo "usage: $0 extract|update|compile|check" >&2; exit 2 ;;
esac
