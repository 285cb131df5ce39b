#!/usr/bin/env bash
# scripts/lint.sh: OCA's checks (issue 10), as OCA's CI runs them: ruff check,
# ruff format --check, pylint-odoo with OCA's mandatory configuration
# (.pylintrc-mandatory), oca-checks-odoo-module and oca-checks-po.
#  - creates .venv-lint/ (git-ignored), a virtual environment of its own, never
#    the Python that runs Odoo, and installs the pinned tools of
#    requirements-lint.txt into it; later runs reuse it and call pip only when
#    a pin changed;
#  - runs every hook of .pre-commit-config.yaml on every tracked file;
#  - exits non-zero on any finding (all checks run, then the failures show).
# Extra arguments go to pre-commit, e.g.:  scripts/lint.sh pylint_odoo
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LINT_VENV="$ROOT/.venv-lint"
LINT_REQS="$ROOT/requirements-lint.txt"
# the tools need Python >= 3.10; any interpreter will do, the venv isolates them
LINT_PYTHON="${LINT_PYTHON:-python3}"

ensure_lint_venv() {
    if [[ ! -x $LINT_VENV/bin/python ]] || ! "$LINT_VENV/bin/python" -c 'import pip' 2>/dev/null; then
        log "creating $LINT_VENV (OCA's checks, apart from the Python of Odoo)"
        if ! "$LINT_PYTHON" -m venv --clear "$LINT_VENV" >&2; then
            # Debian ships venv's pip apart
            ensure_apt_packages python3-venv
            "$LINT_PYTHON" -m venv --clear "$LINT_VENV" >&2
        fi
    fi
    if ! "$LINT_VENV/bin/python" "$ROOT/scripts/check_reqs.py" "$LINT_REQS" >/dev/null 2>&1; then
        log "installing the lint tools of requirements-lint.txt into $LINT_VENV"
        "$LINT_VENV/bin/python" -m pip install --progress-bar off -q -r "$LINT_REQS" >&2
        "$LINT_VENV/bin/python" "$ROOT/scripts/check_reqs.py" "$LINT_REQS" >&2 \
            || die "the lint tools of requirements-lint.txt are not all installed in $LINT_VENV"
    fi
}

ensure_lint_venv
cd "$ROOT"
command -v git >/dev/null 2>&1 && git rev-parse --git-dir >/dev/null 2>&1 \
    || die "scripts/lint.sh runs pre-commit, which needs a git checkout"
log "OCA's checks: ruff, ruff format, pylint-odoo, oca-checks-odoo-module, oca-checks-po"
# pre-commit keeps its (small) store inside the venv, not in ~/.cache
export PRE_COMMIT_HOME="$LINT_VENV/pre-commit-home"
if "$LINT_VENV/bin/pre-commit" run --all-files --show-diff-on-failure "$@"; then
    log "OCA's checks: no finding"
else
    rc=$?
    warn "OCA's checks found the problems above (scripts/lint.sh, exit $rc)"
    exit "$rc"
fi
