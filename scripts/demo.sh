#!/usr/bin/env bash
# make demo: set up everything, create the demo database once (with demo
# data, Bahasa Indonesia), then serve Odoo on http://127.0.0.1:8069
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

create_demo_db() {
    if db_module_installed "$DEMO_DB"; then
        # the code may be newer than the database (a pull, a new version with
        # its migration): update it, as make test updates its database
        log "updating $ADDON in the existing database $DEMO_DB (make clean-state, or scripts/dropdb.sh $DEMO_DB, to start over)"
        odoo_cmd -d "$DEMO_DB" -u "$ADDON" --stop-after-init --no-http \
            --logfile="$LOG_DIR/demo-install.log" \
            || { tail -n 40 "$LOG_DIR/demo-install.log" >&2
                 die "updating $ADDON in $DEMO_DB failed (log: $LOG_DIR/demo-install.log)"; }
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


# The demo SIMPEG directory: a slapd under .state/ldap (scripts/ldap/demo_directory.py),
# configured as the LDAP server of the demo company and synchronised, so that konsulti
# log in with their NIP and directory password. Never fatal: without slapd, Odoo is
# served all the same.
SIMPEG_BANNER=""
demo_simpeg_directory() {
    local info
    if ! db_module_installed "$DEMO_DB" auth_ldap; then
        # a demo database made before the SIMPEG integration: update the addon once
        log "updating $ADDON in $DEMO_DB (SIMPEG login and synchronisation)"
        odoo_cmd -d "$DEMO_DB" -u "$ADDON" --stop-after-init --no-http \
            --logfile="$LOG_DIR/demo-install.log" \
            || { warn "updating $DEMO_DB failed (log: $LOG_DIR/demo-install.log)"; return 0; }
    fi
    if ! info="$("$PYTHON" "$ROOT/scripts/ldap/demo_directory.py" start 2>"$LOG_DIR/demo-ldap.log")"; then
        warn "the demo SIMPEG directory (slapd) did not start, see $LOG_DIR/demo-ldap.log:"
        warn "no LDAP login in this demo; Odoo is served anyway"
        return 0
    fi
    if ! SIMPEG_DEMO="$info" SIMPEG_SUMMARY="$STATE/ldap/summary.txt" \
        odoo_cmd shell -d "$DEMO_DB" --no-http --log-level=warn \
        >"$LOG_DIR/demo-ldap-sync.log" 2>&1 <<'PYEOF'
import json, os
info = json.loads(os.environ["SIMPEG_DEMO"])
host, port = info["uri"].rsplit("/", 1)[1].split(":")
company = env.ref("base.main_company")
Ldap = env["res.company.ldap"]
values = {
    "company": company.id, "ldap_server": host, "ldap_server_port": int(port),
    "ldap_binddn": info["bind_dn"], "ldap_password": info["bind_password"],
    "ldap_base": info["base"], "ldap_filter": "(&(objectClass=inetOrgPerson)(uid=%s))",
    "simpeg_enabled": True, "create_user": True, "ldap_timeout": 5,
}
server = Ldap.search([("simpeg_enabled", "=", True), ("company", "=", company.id),
                      ("ldap_base", "=", info["base"])], limit=1)
if server:
    server.write(values)
else:
    server = Ldap.create(values)
run = env["ekonsultasi.simpeg.sync.run"]._run_sync(server, "full")
env.cr.commit()
lines = [f"SIMPEG directory {info['uri']} ({info['entries']} people): full sync {run.state}, "
         f"{run.created_count} created, {run.updated_count} updated, "
         f"{run.error_count} errors (Helpdesk > Configuration > SIMPEG)"]
if run.state == "failed":
    lines.append(f"sync failed: {run.error_message}")
if run.error_count:
    lines.append("(the README demo logins found in the directory are local accounts: "
                 "the run lists them as errors and leaves them as they are)")
lines.append("konsulti logins through LDAP (login / directory password):")
lines += [f"  {login} / {password}   ({title})" for login, password, title in info["logins"]]
with open(os.environ["SIMPEG_SUMMARY"], "w") as out:
    out.write("\n".join(lines) + "\n")
PYEOF
    then
        warn "configuring the demo SIMPEG directory in $DEMO_DB failed, see $LOG_DIR/demo-ldap-sync.log"
        return 0
    fi
    SIMPEG_BANNER="$(cat "$STATE/ldap/summary.txt" 2>/dev/null || true)"
}

setup_odoo
lock_fd demo 7
create_demo_db
unlock_fd 7
demo_simpeg_directory

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
    if [[ -n $SIMPEG_BANNER ]]; then
        echo
        sed 's/^/ /' <<<"$SIMPEG_BANNER"
    else
        echo " (no demo SIMPEG directory: LDAP login is off in this run)"
    fi
    echo "================================================================"
    echo
} >&2

odoo_cmd -d "$DEMO_DB" --db-filter="^${DEMO_DB}\$" \
    --http-interface=127.0.0.1 --http-port="$HTTP_PORT" \
    --pidfile="$STATE/odoo-demo.pid"
