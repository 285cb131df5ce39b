#!/usr/bin/env bash
# make serve: the production profile on this machine (issue 13).
#  - a database without demo data, made once, with a generated administrator
#    password shown once; the addon updated (-u) on later runs;
#  - Odoo in multi-process mode (workers, the gevent port for /websocket,
#    memory and time limits), proxy_mode, list_db = False, a dbfilter, the
#    database manager off, as an unprivileged system user, connecting as a
#    PostgreSQL role that is not a superuser, on a cluster made durable
#    (fsync, full_page_writes and synchronous_commit on);
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
# NODES=N (default 1) starts N Odoo nodes as on N machines: each its own
# configuration file (odoo.conf for node 1, odoo-node<i>.conf for node i, own
# HTTP and gevent ports), the same database and the same data_dir (filestore),
# behind nginx's upstream blocks (round robin). With more than one node the
# sessions are kept in PostgreSQL (OCA session_db, database <SERVE_DB>_sessions)
# so that any node knows every session; SESSION_STORE=db|file overrides it.
# stop and status handle every node that runs, whatever NODES says.
#
# Settings (environment): SERVE_DB (ekonsultasi), DOMAIN (ekonsultasi.local),
# HTTPS_PORT (8443) and PLAIN_PORT (8080) (443 and 80 on a server), WORKERS
# (2 per CPU + 1), LISTEN_BACKLOG (1024: connections waiting for them), TLS_CERT/TLS_KEY, SERVE_USER (ekonsultasi), SERVE_DIR,
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
NODES="${NODES:-1}"
# the connections the kernel keeps waiting for a node's workers (Odoo: 8 a worker)
LISTEN_BACKLOG="${LISTEN_BACKLOG:-1024}"
[[ $LISTEN_BACKLOG =~ ^[1-9][0-9]*$ ]] || die "LISTEN_BACKLOG must be a number of connections, not '$LISTEN_BACKLOG'"
[[ $NODES =~ ^[1-9][0-9]*$ ]] || die "NODES must be a number of Odoo nodes (1, 2, ...), not '$NODES'"
if [[ $NODES -gt 1 ]]; then SESSION_STORE="${SESSION_STORE:-db}"; else SESSION_STORE="${SESSION_STORE:-file}"; fi
[[ $SESSION_STORE == db || $SESSION_STORE == file ]] || die "SESSION_STORE must be db or file"
SESSION_DB="${SERVE_DB}_sessions"
TEMPLATES="$ROOT/scripts/templates"
NGINX_PREFIX="$SERVE_DIR/nginx"
NGINX_BIN="${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}"
# Odoo's own launcher, odoo-bin of its source tree (not "python -m odoo"):
# the prefork server starts the gevent process for /websocket by running
# sys.argv[0] again

# as_serve_user CMD...: run CMD as the unprivileged user (as oneself when not root)
as_serve_user() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u "$SERVE_USER" -- "$@"; else "$@"; fi
}

# node_suffix I: how the files of node I are named: node 1 keeps the names of a
# single server (odoo.conf, run/odoo.pid), node I > 1 adds -node<I>
node_suffix() { [[ $1 -eq 1 ]] && echo "" || echo "-node$1"; }
node_conf() { echo "$SERVE_DIR/odoo$(node_suffix "$1").conf"; }
node_pidfile() { echo "$SERVE_DIR/run/odoo$(node_suffix "$1").pid"; }
node_port() { cat "$SERVE_DIR/run/odoo_port$(node_suffix "$1")"; }
# running_nodes: the numbers of the nodes whose pid file names a live process
running_nodes() {
    local file name
    for file in "$SERVE_DIR"/run/odoo.pid "$SERVE_DIR"/run/odoo-node*.pid; do
        [[ -s $file ]] && kill -0 "$(cat "$file")" 2>/dev/null || continue
        name="${file##*/}"; name="${name%.pid}"
        if [[ $name == odoo ]]; then echo 1; else echo "${name#odoo-node}"; fi
    done
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
    local node odoo_port gevent_port admin_hash tls_cert tls_key suffix server_wide
    local odoo_servers="" websocket_servers=""
    mkdir -p "$SERVE_DIR"/{secrets,data,log,run,tls} "$NGINX_PREFIX"/{logs,tmp}
    chmod 700 "$SERVE_DIR/secrets"
    # the master password (database manager, off) is stored hashed
    admin_hash="$("$PYTHON" -c 'import sys; from passlib.context import CryptContext
print(CryptContext(["pbkdf2_sha512"]).hash(sys.argv[1]))' "$(secret master_password)")"
    # ekonsultasi_server server-wide: its post_load sets Odoo's listen queue
    # (ekonsultasi_listen_backlog, ekonsultasi_server/hooks.py)
    server_wide="base,web,ekonsultasi_server"
    if [[ $SESSION_STORE == db ]]; then
        # OCA session_db: the sessions in PostgreSQL, read by every node
        server_wide="base,web,session_db,ekonsultasi_server"
        (umask 077; echo "SESSION_DB_URI=postgresql://$SERVE_DB_ROLE:$(secret db_password)@127.0.0.1:$PG_PORT/$SESSION_DB" \
            >"$SERVE_DIR/secrets/session_db.env")
    else
        rm -f "$SERVE_DIR/secrets/session_db.env"
    fi
    # one configuration per node, as on separate machines: its own ports,
    # the same database and the same data_dir (on a server: shared storage)
    for node in $(seq 1 "$NODES"); do
        suffix="$(node_suffix "$node")"
        odoo_port="$(cat "$SERVE_DIR/run/odoo_port$suffix" 2>/dev/null || free_tcp_port)"
        gevent_port="$(cat "$SERVE_DIR/run/gevent_port$suffix" 2>/dev/null || free_tcp_port)"
        echo "$odoo_port" >"$SERVE_DIR/run/odoo_port$suffix"
        echo "$gevent_port" >"$SERVE_DIR/run/gevent_port$suffix"
        fill "$TEMPLATES/odoo-production.conf" "$(node_conf "$node")" \
            DB_HOST=127.0.0.1 DB_PORT="$PG_PORT" DB_USER="$SERVE_DB_ROLE" \
            DB_PASSWORD="$(secret db_password)" DB_NAME="$SERVE_DB" DB_FILTER="$SERVE_DBFILTER" \
            ADMIN_PASSWD_HASH="$admin_hash" ADDONS_PATH="$(odoo_addons_path)" \
            DATA_DIR="$SERVE_DIR/data" LOG_FILE="$SERVE_DIR/log/odoo$suffix.log" \
            HTTP_INTERFACE=127.0.0.1 ODOO_PORT="$odoo_port" GEVENT_PORT="$gevent_port" \
            WORKERS="$WORKERS" SERVER_WIDE_MODULES="$server_wide" LISTEN_BACKLOG="$LISTEN_BACKLOG"
        chmod 600 "$(node_conf "$node")"
        # max_fails=0: a node is never set aside for fail_timeout after one reset
        # (under overload a reset is Odoo's full listen queue, and setting the node
        # aside turned it into "no live upstreams"); a stopped node refuses the
        # connection at once and nginx tries the next one (proxy_next_upstream)
        odoo_servers+="    server 127.0.0.1:$odoo_port max_fails=0;"$'\n'
        websocket_servers+="    server 127.0.0.1:$gevent_port max_fails=0;"$'\n'
    done
    ODOO_INTERNAL_PORT="$(node_port 1)"
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
        ODOO_SERVERS="${odoo_servers%$'\n'}" WEBSOCKET_SERVERS="${websocket_servers%$'\n'}" DOMAIN="$DOMAIN" \
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
        chown -R "$SERVE_USER:" "$SERVE_DIR"/{data,log,run,secrets} "$SERVE_DIR"/odoo*.conf
        chown -R www-data: "$NGINX_PREFIX/tmp"
    fi
}

# odoo_serve ARGS...: Odoo with the production configuration, as the user
odoo_serve() {
    local sub=()
    if [[ $# -gt 0 && $1 != -* ]]; then sub=("$1"); shift; fi
    as_serve_user "$PYTHON" "$ODOO_BIN" "${sub[@]}" -c "$SERVE_DIR/odoo.conf" "$@"
}

# ensure_durable_pg: the work tree's cluster is made for tests (lib.sh pg_init:
# fsync, synchronous_commit and full_page_writes off); the data of a
# production profile must survive a crash, so they are turned on for good
# (postgresql.auto.conf) and what was written before is flushed (CHECKPOINT)
ensure_durable_pg() {
    [[ $(_psql_super -tAc "SHOW fsync") == on && $(_psql_super -tAc "SHOW full_page_writes") == on \
        && $(_psql_super -tAc "SHOW synchronous_commit") == on ]] && return 0
    log "making the PostgreSQL cluster durable (fsync, full_page_writes, synchronous_commit on)"
    _psql_super -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET full_page_writes = on" \
        -c "ALTER SYSTEM SET synchronous_commit = on" -c "SELECT pg_reload_conf()" >/dev/null
    # the reload is asynchronous: wait until this backend's next session sees it
    for _ in $(seq 1 50); do
        [[ $(_psql_super -tAc "SHOW fsync") == on ]] && break
        sleep 0.1
    done
    _psql_super -c "CHECKPOINT"
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

odoo_pid() {
    local pidfile
    pidfile="$(node_pidfile "${1:-1}")"
    [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null && cat "$pidfile"
}

# the database of the sessions (OCA session_db makes its table in it)
ensure_session_db() {
    [[ $SESSION_STORE == db ]] || return 0
    if [[ -z $(_psql_super -tAc "SELECT 1 FROM pg_database WHERE datname = '$SESSION_DB'") ]]; then
        log "creating the database of the sessions $SESSION_DB (shared by the nodes)"
        _psql_super -c "CREATE DATABASE \"$SESSION_DB\" OWNER \"$SERVE_DB_ROLE\" TEMPLATE template0 ENCODING 'UTF8'"
    fi
}

# start_node I: Odoo node I in the background, as the user, until it answers
start_node() {
    local node="$1" port tries=0 suffix
    local env_args=()
    suffix="$(node_suffix "$node")"
    port="$(node_port "$node")"
    if [[ $SESSION_STORE == db ]]; then env_args=("$(cat "$SERVE_DIR/secrets/session_db.env")"); fi
    log "starting Odoo node $node ($WORKERS workers) as $SERVE_USER on 127.0.0.1:$port"
    as_serve_user env "${env_args[@]}" "$PYTHON" "$ODOO_BIN" -c "$(node_conf "$node")" \
        --pidfile="$(node_pidfile "$node")" >>"$SERVE_DIR/log/stdout$suffix.log" 2>&1 &
    until "$PYTHON" -c 'import sys, urllib.request as u
u.urlopen(f"http://127.0.0.1:{sys.argv[1]}/web/health", timeout=2)' "$port" 2>/dev/null; do
        (( ++tries > 120 )) && { tail -n 30 "$SERVE_DIR/log/odoo$suffix.log" >&2; die "Odoo node $node did not answer on 127.0.0.1:$port"; }
        sleep 0.5
    done
}

start() {
    # as setup_odoo, without rewriting the development odoo.conf
    ensure_apt_packages nginx
    ensure_python_deps
    ensure_odoo || die "Odoo 18 is required (ODOO_SOURCE=/path/to/odoo-18.0 make serve)"
    ensure_oca_addons
    pg_start
    ensure_durable_pg
    find_odoo_bin
    mkdir -p "$SERVE_DIR/secrets"
    ensure_serve_user
    ensure_db_role
    write_config
    # every node of an earlier run stops (the addon is updated once, below)
    [[ -z $(running_nodes) ]] || stop_nodes
    ensure_database
    ensure_session_db
    local node
    for node in $(seq 1 "$NODES"); do start_node "$node"; done
    "$NGINX_BIN" -t -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/nginx.conf" -q \
        || die "the nginx configuration is refused (see above)"
    if [[ -s $NGINX_PREFIX/nginx.pid ]] && kill -0 "$(cat "$NGINX_PREFIX/nginx.pid")" 2>/dev/null; then
        "$NGINX_BIN" -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/nginx.conf" -s reload
    else
        "$NGINX_BIN" -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/nginx.conf"
    fi
    log "E-Konsultasi serves https://$DOMAIN:$HTTPS_PORT/ (and https://127.0.0.1:$HTTPS_PORT/) with $NODES node(s); files in $SERVE_DIR"
}

stop_nodes() {
    local node pid
    for node in $(running_nodes); do
        pid="$(odoo_pid "$node")" || continue
        log "stopping Odoo node $node (pid $pid)"
        kill "$pid"
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
        rm -f "$(node_pidfile "$node")"
    done
}

stop() {
    if [[ -s $NGINX_PREFIX/nginx.pid ]] && kill -0 "$(cat "$NGINX_PREFIX/nginx.pid")" 2>/dev/null; then
        "$NGINX_BIN" -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/nginx.conf" -s quit || true
    fi
    stop_nodes
}

case "${1:-run}" in
    run)
        start
        trap 'stop' INT TERM
        while [[ -n $(running_nodes) ]]; do sleep 2; done
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
        nodes="$(running_nodes)"
        [[ -n $nodes ]] || { echo "Odoo does not run"; exit 3; }
        for node in $nodes; do
            echo "Odoo node $node runs (pid $(odoo_pid "$node"), port $(node_port "$node"))"
        done
        # a node of the configuration that does not run is a fault
        for node in $(seq 1 "$NODES"); do odoo_pid "$node" >/dev/null || { echo "Odoo node $node does not run"; exit 3; }; done
        
        ;;
    *) die "usage: scripts/serve.sh [run|start|stop|status|shell]" ;;
esac
