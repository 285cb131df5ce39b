#!/usr/bin/env bash
# make test: install what can be installed, then run pytest over tests/.
#  - Odoo 18 importable: private PostgreSQL, test database $TEST_DB with
#    ekonsultasi_addon installed without demo data (created once, then only
#    updated with -u; FRESH=1 recreates it), pytest-odoo against it.
#  - Odoo missing (and ODOO_SOURCE unset): only the Odoo-free tests run, the
#    Odoo tests are reported as skipped (tests/conftest.py), exit code 0.
# Extra arguments are passed to pytest:  scripts/test.sh -k nip -x
set -euo pipefail
# HTTP_PORT: the port of the test HTTP server (HttpCase, wkhtmltopdf). Unset,
# a free one is taken: a fixed default (8069) fails the run whenever a demo
# or another work tree's tests serve on it.
HTTP_PORT_GIVEN="${HTTP_PORT:-}"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# one make test at a time per work tree (they share the test database)
lock_fd test 8

ensure_apt_packages
ensure_optional_apt_packages
ensure_python_deps

pytest_args=()
if ensure_odoo; then
    ensure_oca_addons
    pg_start
    write_odoo_conf
    : >"$LOG_DIR/test-db.log"   # Odoo appends to --logfile
    if [[ -n ${FRESH:-} && ${FRESH} != 0 ]] || ! db_module_installed "$TEST_DB"; then
        db_drop "$TEST_DB"
        log "creating test database $TEST_DB ($ADDON, without demo data)"
        start=$SECONDS
        odoo_cmd -d "$TEST_DB" -i "$ADDON" --without-demo=all --stop-after-init \
            --no-http --logfile="$LOG_DIR/test-db.log" \
            || { tail -n 40 "$LOG_DIR/test-db.log" >&2
                 die "installing $ADDON in $TEST_DB failed (log: $LOG_DIR/test-db.log)"; }
        log "test database $TEST_DB created in $((SECONDS - start)) s"
    else
        log "updating $ADDON in test database $TEST_DB (FRESH=1 recreates it)"
        start=$SECONDS
        odoo_cmd -d "$TEST_DB" -u "$ADDON" --stop-after-init \
            --no-http --logfile="$LOG_DIR/test-db.log" \
            || { tail -n 40 "$LOG_DIR/test-db.log" >&2
                 die "updating $ADDON in $TEST_DB failed (log: $LOG_DIR/test-db.log)"; }
        log "test database $TEST_DB updated in $((SECONDS - start)) s"
    fi
    if grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$LOG_DIR/test-db.log" >&2; then
        warn "the lines above were logged while preparing $TEST_DB (full log: $LOG_DIR/test-db.log)"
    fi
    # chosen last, to leave the least time for someone else to take it
    if [[ -z $HTTP_PORT_GIVEN ]]; then
        HTTP_PORT="$(free_tcp_port)"
    elif _port_busy "$HTTP_PORT"; then
        die "port $HTTP_PORT (HTTP_PORT) is in use; choose another, or leave HTTP_PORT unset for a free one"
    fi
    write_odoo_conf
    pytest_args+=(--odoo-config="$ODOO_CONF" --odoo-database="$TEST_DB" --odoo-http
                  --odoo-log-level="${ODOO_LOG_LEVEL:-warn}" --odoo-extra=max-cron-threads=0)
else
    # pytest-odoo imports odoo when loaded: keep it out
    pytest_args+=(-p no:odoo)
fi

# the results of this run, kept for make docs (the testing document,
# scripts/docs_testreport.py): pytest's JUnit report (xunit1: with each
# test's file) and when, where and how it ran
RESULTS="$STATE/test-results"
mkdir -p "$RESULTS"
rm -f "$RESULTS/junit.xml"
pytest_args+=(--junitxml="$RESULTS/junit.xml" -o junit_family=xunit1)
"$PYTHON" "$ROOT/scripts/test_run_info.py" "$RESULTS/run.json" "$@" \
    || warn "could not record the machine of this run ($RESULTS/run.json)"

export EKONSULTASI_ROOT="$ROOT"
set +e
(cd "$ROOT" && "$PYTHON" -m pytest "${pytest_args[@]}" "$@")
rc=$?
set -e
if [[ $rc -eq 5 ]]; then
    warn "pytest collected no tests"
    rc=0
fi
exit "$rc"
