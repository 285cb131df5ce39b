#!/usr/bin/env bash
# make serve: the production profile on this machine (issue 13).
#  - a database without demo data, made once, with a generated administrator
#    password shown once; the addon updated (-u) on later runs;
#  - Odoo in multi-process mode (workers, the gevent port for /websocket,
#    memory and time limits), proxy_mode, list_db = False, a dbfilter, the
#    database manager off, as an unprivileged system user, connecting as a
#    PostgreSQL role that is not a superuser;
#  - nginx in front, terminating TLS (a self-signed certificate unless
#    TLS_CERT and TLS_KEY name the real one), HTTP sent to HTTPS.
# The files a real server needs are written from scripts/templates/ into
# $SERVE_DIR (odoo.conf, the nginx site, the systemd unit).
#
#   scripts/serve.sh [run]    start, then wait (Ctrl-C stops both)   = make serve
#   scripts/serve.sh start    start in the background
#   scripts/serve.sh stop     stop Odoo and nginx
#   scripts/serve.sh status
#   scripts/serve.sh shell    Odoo's shell on the production database
#
# Settings (environment): SERVE_DB (ekonsultasi), DOMAIN (ekonsultasi.local),
# HTTPS_PORT (8443) and PLAIN_PORT (8080) (443 and 80 on a server), WORKERS
# (2 per CPU + 1), TLS_CERT/TLS_KEY, SERVE_USER (ekonsultasi), SERVE_DIR,
# SERVE_PASSWORD_FILE (where to also write the first administrator password:
# for tests only), SERVE_DBFILTER (^SERVE_DB$; for the load benchmark only).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERVE_DB="${SERVE_DB:-ekonsultasi}"
# the databases served: this one only (bench/bench_load.py also serves the
# plain helpdesk_mgmt database it compares with)
SERVE_DBFILTER="${SERVE_DBFILTER:-^$SERVE_DB\$}"
SERVE_DIR="${SERVE_DIR:-$STATE/serve/$SERVE_DB}"
DOMAIN="${DOMAIN:-ekonsultasi.local}"
HTTPS_PORT="${HTTPS_PORT:-8443}"
PLAIN_PORT="${PLAIN_PORT:-8080}"
SERVE_USER="${SERVE_USER:-ekonsultasi}"
SERVE_DB_ROLE="${SERVE_DB_ROLE:-ekonsultasi_app}"
CPUS="$(nproc 2>/dev/null || echo 1)"
WORKERS="${WORKERS:-$((CPUS * 2 + 1))}"
TEMPLATES="$ROOT/scripts/templates"
PIDFILE="$SERVE_DIR/run/odoo.pid"
NGINX_PREFIX="$SERVE_DIR/nginx"
NGINX_BIN="${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}"
# Odoo's own launcher, odoo-bin of its source tree (not "python -m odoo"):
# the prefork server starts the gevent process for /websocket by running
# sys.argv[0] again

# as_serve_user CMD...: run CMD as the unprivileged user (as oneself when not root)
as_serve_user() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u "$SERVE_USER" -- "$@"; else "$@"; fi
}

ensure_serve_user() {
    [[ $(id -u) -eq 0 ]] || { SERVE_USER="$(id -un)"; return 0; }
    if ! id -u "$SERVE_USER" >/dev/null 2>&1; then
        log "creating the system user $SERVE_USER (Odoo runs as it, not as root)"
        useradd --system --user-group --home-dir "$SERVE_DIR" --no-create-home \
            --shell /usr/sbin/nologin "$SERVE_USER"
    fi
    # the user reads the code and the environment, and writes only its folders
    as_serve_user "$PYTHON" -c 'import odoo' 2>/dev/null \
        || die "user $SERVE_USER cannot run $PYTHON (is $ROOT readable by others?)"
}

# secret NAME: a random secret kept in $SERVE_DIR/secrets/NAME (0600)
secret() {
    local file="$SERVE_DIR/secrets/$1"
    if [[ ! -s $file ]]; then
        (umask 077; "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(24))' >"$file")
    fi
    cat "$file"
}

# fill TEMPLATE OUT KEY=VALUE...: @KEY@ replaced by VALUE
fill() {
    local template="$1" out="$2"; shift 2
    "$PYTHON" - "$template" "$out" "$@" <<'EOF'
import re, sys
template, out, *pairs = sys.argv[1:]
text = open(template, encoding="utf-8").read()
for pair in pairs:
    key, value = pair.split("=", 1)
    text = text.replace(f"@{key}@", value)
missing = sorted(set(re.findall(r"@([A-Z_]+)@", text)))
if missing:
    sys.exit(f"{template}: no value for {missing}")
open(out, "w", encoding="utf-8").write(text)
EOF
}

ensure_db_role() {
    local password
    password="$(secret db_password)"
    if [[ -z $(_psql_super -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$SERVE_DB_ROLE'") ]]; then
        log "creating the PostgreSQL role $SERVE_DB_ROLE (not a superuser)"
        _psql_super -c "CREATE ROLE \"$SERVE_DB_ROLE\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$password'"
    else
        _psql_super -c "ALTER ROLE \"$SERVE_DB_ROLE\" NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$password'"
    fi
}

write_config() {
    local odoo_port gevent_port admin_hash tls_cert tls_key suffix
    mkdir -p "$SERVE_DIR"/{secrets,data,log,run,tls} "$NGINX_PREFIX"/{logs,tmp}
    chmod 700 "$SERVE_DIR/secrets"
    odoo_port="$(cat "$SERVE_DIR/run/odoo_port" 2>/dev/null || free_tcp_port)"
    gevent_port="$(cat "$SERVE_DIR/run/gevent_port" 2>/dev/null || free_tcp_port)"
    echo "$odoo_port" >"$SERVE_DIR/run/odoo_port"
    echo "$gevent_port" >"$SERVE_DIR/run/gevent_port"
    ODOO_INTERNAL_PORT="$odoo_port"
    # the master password (database manager, off) is stored hashed
    admin_hash="$("$PYTHON" -c 'import sys; from passlib.context import CryptContext
print(CryptContext(["pbkdf2_sha512"]).hash(sys.argv[1]))' "$(secret master_password)")"
    fill "$TEMPLATES/odoo-production.conf" "$SERVE_DIR/odoo.conf" \
        DB_HOST=127.0.0.1 DB_PORT="$PG_PORT" DB_USER="$SERVE_DB_ROLE" \
        DB_PASSWORD="$(secret db_password)" DB_NAME="$SERVE_DB" DB_FILTER="$SERVE_DBFILTER" \
        ADMIN_PASSWD_HASH="$admin_hash" ADDONS_PATH="$(odoo_addons_path)" \
        DATA_DIR="$SERVE_DIR/data" LOG_FILE="$SERVE_DIR/log/odoo.log" \
        ODOO_PORT="$odoo_port" GEVENT_PORT="$gevent_port" WORKERS="$WORKERS"
    chmod 600 "$SERVE_DIR/odoo.conf"
    tls_cert="${TLS_CERT:-$SERVE_DIR/tls/selfsigned.crt}"
    tls_key="${TLS_KEY:-$SERVE_DIR/tls/selfsigned.key}"
    if [[ -z ${TLS_CERT:-} && ! -s $tls_cert ]]; then
        log "making a self-signed TLS certificate for $DOMAIN (set TLS_CERT and TLS_KEY for the real one)"
        openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=$DOMAIN" \
            -addext "subjectAltName=DNS:$DOMAIN,DNS:localhost,IP:127.0.0.1" \
            -keyout "$tls_key" -out "$tls_cert" 2>/dev/null
        chmod 600 "$tls_key"
    fi
    suffix=""; [[ $HTTPS_PORT == 443 ]] || suffix=":$HTTPS_PORT"
    fill "$TEMPLATES/nginx-ekonsultasi.conf" "$SERVE_DIR/nginx-ekonsultasi.conf" \
        ODOO_PORT="$odoo_port" GEVENT_PORT="$gevent_port" DOMAIN="$DOMAIN" \
        LISTEN_ADDRESS="${LISTEN_ADDRESS:-}" PLAIN_PORT="$PLAIN_PORT" HTTPS_PORT="$HTTPS_PORT" \
        HTTPS_PORT_SUFFIX="$suffix" TLS_CERT="$tls_cert" TLS_KEY="$tls_key" \
        ATTACHMENT_MB="${ATTACHMENT_MB:-10}" BODY_MB="$(( ${ATTACHMENT_MB:-10} * ${MAX_FILES:-10} + 5 ))"
    fill "$TEMPLATES/ekonsultasi-odoo.service" "$SERVE_DIR/ekonsultasi-odoo.service" \
        PYTHON="$PYTHON" ODOO_BIN="$ODOO_BIN"
    # nginx of this run: its own prefix, pid and logs (a server uses the
    # system's nginx with the site file above)
    cat >"$NGINX_PREFIX/nginx.conf" <<EOF
# written by scripts/serve.sh: nginx of this machine's production profile
worker_processes 1;
pid $NGINX_PREFIX/nginx.pid;
error_log $NGINX_PREFIX/logs/error.log warn;
$( [[ $(id -u) -eq 0 ]] && echo "user www-data;" )
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $NGINX_PREFIX/logs/access.log;
    client_body_temp_path $NGINX_PREFIX/tmp/body;
    proxy_temp_path $NGINX_PREFIX/tmp/proxy;
    fastcgi_temp_path $NGINX_PREFIX/tmp/fastcgi;
    uwsgi_temp_path $NGINX_PREFIX/tmp/uwsgi;
    scgi_temp_path $NGINX_PREFIX/tmp/scgi;
    include $SERVE_DIR/nginx-ekonsultasi.conf;
}
EOF
    if [[ $(id -u) -eq 0 ]]; then
        chown -R "$SERVE_USER:" "$SERVE_DIR"/{data,log,run,secrets} "$SERVE_DIR/odoo.conf"
        chown -R www-data: "$NGINX_PREFIX/tmp"
    fi
}

# odoo_serve ARGS...: Odoo with the production configuration, as the user
odoo_serve() {
    local sub=()
    if [[ $# -gt 0 && $1 != -* ]]; then sub=("$1"); shift; fi
    as_serve_user "$PYTHON" "$ODOO_BIN" "${sub[@]}" -c "$SERVE_DIR/odoo.conf" "$@"
}

ensure_database() {
    if [[ -n $(_psql_super -tAc "SELECT 1 FROM pg_database WHERE datname = '$SERVE_DB'") ]] \
        && [[ -n $(_psql_super -d "$SERVE_DB" -tAc "SELECT 1 FROM pg_class WHERE relname = 'ir_module_module'" 2>/dev/null) ]] \
        && [[ -n $(_psql_super -d "$SERVE_DB" -tAc "SELECT 1 FROM ir_module_module WHERE name = '$ADDON' AND state = 'installed'") ]]; then
        log "updating $ADDON in $SERVE_DB"
        odoo_serve -u "$ADDON" --stop-after-init --no-http --logfile="$SERVE_DIR/log/update.log" \
            || { tail -n 30 "$SERVE_DIR/log/update.log" >&2; die "updating $SERVE_DB failed"; }
    else
        log "creating the production database $SERVE_DB (no demo data, Bahasa Indonesia)"
        rm -f "$SERVE_DIR/run/first_run_done"
        _psql_super -c "DROP DATABASE IF EXISTS \"$SERVE_DB\""
        _psql_super -c "CREATE DATABASE \"$SERVE_DB\" OWNER \"$SERVE_DB_ROLE\" TEMPLATE template0 ENCODING 'UTF8'"
        odoo_serve -d "$SERVE_DB" -i "$ADDON" --without-demo=all --load-language=id_ID \
            --stop-after-init --no-http --logfile="$SERVE_DIR/log/install.log" \
            || { tail -n 30 "$SERVE_DIR/log/install.log" >&2; die "installing $ADDON in $SERVE_DB failed"; }
    fi
    [[ -f $SERVE_DIR/run/first_run_done ]] && return 0
    local password
    password="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(18))')"
    ADMIN_PASSWORD="$password" odoo_serve shell -d "$SERVE_DB" --no-http --log-level=warn \
        <"$ROOT/scripts/serve_first_run.py" >/dev/null \
        || die "setting the administrator's password in $SERVE_DB failed"
    if [[ -n ${SERVE_PASSWORD_FILE:-} ]]; then
        (umask 077; echo "$password" >"$SERVE_PASSWORD_FILE")
    fi
    printf '\n\033[1;32mThe administrator of %s: login "admin", password: %s\033[0m\n' "$SERVE_DB" "$password" >&2
    printf 'It is shown once and stored nowhere in clear: write it down now.\n\n' >&2
    touch "$SERVE_DIR/run/first_run_done"
}

find_odoo_bin() {
    ODOO_BIN="$(cd / && "$PYTHON" -c 'import os, odoo.release as r
print(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))), "odoo-bin"))')"
    [[ -f $ODOO_BIN ]] || die "odoo-bin not found beside Odoo's package ($ODOO_BIN)"
}

odoo_pid() { [[ -s $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && cat "$PIDFILE"; }

start() {
    # as setup_odoo, without rewriting the development odoo.conf
    ensure_apt_packages nginx
    ensure_python_deps
    ensure_odoo || die "Odoo 18 is required (ODOO_SOURCE=/path/to/odoo-18.0 make serve)"
    ensure_oca_addons
    pg_start
    find_odoo_bin
    mkdir -p "$SERVE_DIR/secrets"
    ensure_serve_user
    ensure_db_role
    write_config
    if odoo_pid >/dev/null; then stop; fi
    ensure_database
    log "starting Odoo ($WORKERS workers) as $SERVE_USER on 127.0.0.1:$ODOO_INTERNAL_PORT"
    as_serve_user "$PYTHON" "$ODOO_BIN" -c "$SERVE_DIR/odoo.conf" --pidfile="$PIDFILE" \
        >>"$SERVE_DIR/log/stdout.log" 2>&1 &
    local tries=0
    until "$PYTHON" -c 'import sys, urllib.request as u
u.urlopen(f"http://127.0.0.1:{sys.argv[1]}/web/health", timeout=2)' "$ODOO_INTERNAL_PORT" 2>/dev/null; do
        (( ++tries > 120 )) && { tail -n 30 "$SERVE_DIR/log/odoo.log" >&2; die "Odoo did not answer on 127.0.0.1:$ODOO_INTERNAL_PORT"; }
        sleep 0.5
    done
    "$NGINX_BIN" -t -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/nginx.conf" -q \
        || die "the nginx configuration is refused (see above)"
    if [[ -s $NGINX_PREFIX/nginx.pid ]] && kill -0 "$(cat "$NGINX_PREFIX/nginx.pid")" 2>/dev/null; then
        "$NGINX_BIN" -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/nginx.conf" -s reload
    else
        "$NGINX_BIN" -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/nginx.conf"
    fi
    log "E-Konsultasi serves https://$DOMAIN:$HTTPS_PORT/ (and https://127.0.0.1:$HTTPS_PORT/); files in $SERVE_DIR"
}

stop() {
    local pid
    if [[ -s $NGINX_PREFIX/nginx.pid ]] && kill -0 "$(cat "$NGINX_PREFIX/nginx.pid")" 2>/dev/null; then
        "$NGINX_BIN" -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/nginx.conf" -s quit || true
    fi
    if pid="$(odoo_pid)"; then
        log "stopping Odoo (pid $pid)"
        kill "$pid"
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
}

case "${1:-run}" in
    run)
        start
        trap 'stop' INT TERM
        while odoo_pid >/dev/null; do sleep 2; done
        ;;
    start) start ;;
    stop) stop ;;
    shell)
        # Odoo's shell on the production database, as the user Odoo runs as
        # (commands on standard input)
        [[ -s $SERVE_DIR/odoo.conf ]] || die "no production profile in $SERVE_DIR: run make serve first"
        find_odoo_bin
        [[ $(id -u) -eq 0 ]] || SERVE_USER="$(id -un)"
        odoo_serve shell -d "$SERVE_DB" --no-http --log-level=warn
        ;;
    status)
        if pid="$(odoo_pid)"; then echo "Odoo runs (pid $pid)"; else echo "Odoo does not run"; exit 3; fi
        ;;
    *) die "usage: scripts/serve.sh [run|start|stop|status|shell]" ;;
esac
