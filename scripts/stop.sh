#!/usr/bin/env bash
# make stop: stop the demo Odoo server (if any) and the private PostgreSQL.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pidfile="$STATE/odoo-demo.pid"
if [[ -s $pidfile ]]; then
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null && grep -q odoo "/proc/$pid/cmdline" 2>/dev/null; then
        log "stopping demo Odoo server (pid $pid)"
        kill "$pid"
        for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
fi
# the demo SIMPEG directory (slapd under .state/ldap), if it runs
if [[ -f $STATE/ldap/slapd.pid && -x $PYTHON ]]; then
    "$PYTHON" "$ROOT/scripts/ldap/demo_directory.py" stop || warn "could not stop the demo SIMPEG directory"
fi
if [[ -d $STATE/pg/data ]]; then pg_stop; fi
