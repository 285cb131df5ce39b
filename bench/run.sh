#!/usr/bin/env bash
# make bench: prepares the benchmark databases (once) and runs the benchmarks.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
ensure_python_deps
# SIMPEG directory read benchmark: slapd + python-ldap only, no Odoo needed
"$PYTHON" "$ROOT/bench/bench_ldap_directory.py"
ensure_odoo || die "Odoo 18 is not installed (run: ODOO_SOURCE=/path/to/odoo make test)"
ensure_oca_addons
pg_start
write_odoo_conf
prepare() {  # DB MODULE
    if ! db_module_installed "$1" "$2"; then
        db_drop "$1"
        log "creating benchmark database $1 with $2 (no demo data)"
        odoo_cmd -d "$1" -i "$2" --without-demo=all --stop-after-init --no-http \
            --logfile="$LOG_DIR/bench-$1.log"
    else
        odoo_cmd -d "$1" -u "$2" --stop-after-init --no-http --logfile="$LOG_DIR/bench-$1.log"
    fi
}
prepare ekonsultasi_bench_plain helpdesk_mgmt
prepare ekonsultasi_bench "$ADDON"
cd "$ROOT"
# every benchmark runs, and make bench fails if any missed its target
status=0
"$PYTHON" bench/bench_create.py -c "$ODOO_CONF" --db ekonsultasi_bench \
    --plain-db ekonsultasi_bench_plain "$@" || status=1
# answer limits: a day off over 10,000 open consultations vs plan_hours
"$PYTHON" bench/bench_sla.py -c "$ODOO_CONF" --db ekonsultasi_bench || status=1
# SIMPEG synchronisation: ldapsearch vs bare res.users.create vs our syncs
"$PYTHON" bench/bench_simpeg_sync.py -c "$ODOO_CONF" --db ekonsultasi_bench || status=1
# yearly recap, 100,000 consultations in a database of its own (made and filled once)
"$PYTHON" bench/bench_recap.py -c "$ODOO_CONF" --db ekonsultasi_bench_recap || status=1
# Pustaka Jawaban suggestions: 10,000 entries, 100,000 consultations (own database, made once)
"$PYTHON" bench/bench_pustaka.py -c "$ODOO_CONF" --db ekonsultasi_bench_pustaka || status=1
# backup and restore, 100 MiB of files, against Odoo's own dump_db
"$PYTHON" bench/bench_backup.py -c "$ODOO_CONF" --template ekonsultasi_bench || status=1
# the production server under load (issue 13): Locust in a virtual
# environment of its own (it needs a newer gevent than Odoo's pin); the
# benchmark starts and stops scripts/serve.sh itself. LOAD=0 leaves it out.
if [[ ${LOAD:-1} != 0 ]]; then
    BENCH_VENV="${BENCH_VENV:-$ROOT/.venv-bench}"
    if [[ ! -x $BENCH_VENV/bin/python ]]; then
        log "creating $BENCH_VENV (Locust, apart from the Python of Odoo)"
        "$BASE_PYTHON" -m venv --clear "$BENCH_VENV" >&2
    fi
    if ! "$BENCH_VENV/bin/python" "$ROOT/scripts/check_reqs.py" "$ROOT/requirements-bench.txt" >/dev/null 2>&1; then
        log "installing requirements-bench.txt into $BENCH_VENV"
        "$BENCH_VENV/bin/python" -m pip install --progress-bar off -q \
            -r "$ROOT/requirements-bench.txt" >&2
    fi
    BENCH_VENV="$BENCH_VENV" "$BENCH_VENV/bin/python" bench/bench_load.py || status=1
fi
exit "$status"
