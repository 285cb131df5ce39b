#!/usr/bin/env bash
# make demo: set up everything, create the demo database once (with demo
# data, Bahasa Indonesia), then serve Odoo on http://127.0.0.1:8069
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

create_demo_db() {
    if db_module_installed "$DEMO_DB"; then
        log "reusing database $DEMO_DB (make clean-state, or scripts/dropdb.sh $DEMO_DB, to start over)"
        return 0
    fi
    # a database without the addon installed is a leftover of a failed run
    db_drop "$DEMO_DB"
    log "creating database $DEMO_DB with demo data (first run only, a few minutes)"
    local start=$SECONDS
    : >"$LOG_DIR/demo-install.log"   # Odoo appends to --logfile
    # Odoo 18 loads demo data unless --without-demo is given
    odoo_cmd -d "$DEMO_DB" -i "$ADDON" --load-language=id_ID --stop-after-init \
        --no-http --logfile="$LOG_DIR/demo-install.log" \
        || { tail -n 40 "$LOG_DIR/demo-install.log" >&2
             die "installing $ADDON in $DEMO_DB failed (log: $LOG_DIR/demo-install.log)"; }
    odoo_cmd shell -d "$DEMO_DB" --no-http --log-level=warn <"$ROOT/scripts/demo_set_lang.py" \
        || die "setting the language id_ID failed"
    log "database $DEMO_DB created in $((SECONDS - start)) s"
}

setup_odoo
lock_fd demo 7
create_demo_db
unlock_fd 7

if _port_busy "$HTTP_PORT"; then
    die "port $HTTP_PORT is already in use (a demo already running? make stop)"
fi

{
    echo
    echo "================================================================"
    echo " E-Konsultasi demo: http://127.0.0.1:$HTTP_PORT/web/login"
    echo " database: $DEMO_DB     stop: Ctrl-C, or make stop"
    echo " demo logins (login / password):"
    sed 's/^/   /' "$ROOT/scripts/demo_logins.txt"
    echo "================================================================"
    echo
} >&2

odoo_cmd -d "$DEMO_DB" --db-filter="^${DEMO_DB}\$" \
    --http-interface=127.0.0.1 --http-port="$HTTP_PORT" \
    --pidfile="$STATE/odoo-demo.pid"
