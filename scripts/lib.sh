#!/usr/bin/env bash
# Shared functions of the developer harness (demo, test, stop, CI).
# Source it from another bash script:  . "$(dirname "$0")/lib.sh"
# Every function is idempotent: calling it again reuses what is already there.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${STATE:-$ROOT/.state}"               # git-ignored local state
# Everything the project installs goes into its own virtual environment
# (.venv/), never into a system Python. It is made from Debian's Python
# (/usr/bin/python3) when there is one: an unprivileged system user can run
# that one (an interpreter under /root, such as pyenv's, it cannot).
PROJECT_VENV="${PROJECT_VENV:-$ROOT/.venv}"
if [[ -z ${BASE_PYTHON:-} ]]; then
    if [[ -x /usr/bin/python3 ]]; then BASE_PYTHON=/usr/bin/python3; else BASE_PYTHON=python3; fi
fi
export PYTHON="${PYTHON:-$PROJECT_VENV/bin/python}"  # interpreter with Odoo (exported for children)
ADDON="ekonsultasi_addon"
DEMO_DB="${DEMO_DB:-ekonsultasi_demo}"
TEST_DB="${TEST_DB:-ekonsultasi_test}"
ODOO_DB_USER="${ODOO_DB_USER:-odoo}"         # Odoo refuses the role "postgres"
ODOO_CONF="$STATE/odoo.conf"
HTTP_PORT="${HTTP_PORT:-8069}"
PG_PORT_DEFAULT="${PG_PORT:-55432}"
LOG_DIR="$STATE/logs"

# System packages needed to build psycopg2 / python-ldap and to run PostgreSQL
# (and slapd/ldap-utils for the LDAP login of konsulti).
APT_PACKAGES=(postgresql postgresql-client libpq-dev libldap2-dev libsasl2-dev
              python3-venv python3-dev
              slapd ldap-utils openssl gcc make
              wkhtmltopdf poppler-utils fonts-dejavu-core gpg)
# Installed when possible, else their tests are skipped and say so: chromium
# for the browser tests (Odoo's HttpCase drives it over the DevTools protocol)
# and to print the PDF of make docs, zbar-tools to decode the QR code of the
# Lembar Konsultasi in its test, graphviz for the model diagram of make docs.
APT_OPTIONAL_PACKAGES=(chromium zbar-tools graphviz)

# cbor2 (pinned by Odoo) does not build with setuptools>=70; the constraint
# also applies to pip's isolated build environments.
export PIP_CONSTRAINT="$ROOT/constraints.txt"
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_ROOT_USER_ACTION=ignore

log()  { printf '\033[1;34m[ekonsultasi]\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33m[ekonsultasi] WARNING:\033[0m %s\n' "$*" >&2; }
die()  { printf '\033[1;31m[ekonsultasi] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

pip_install() { "$PYTHON" -m pip install --progress-bar off "$@"; }

as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@";
    elif command -v sudo >/dev/null 2>&1; then sudo "$@";
    else die "need root to run: $*"; fi
}

# ---------------------------------------------------------------- apt ------
_APT_UPDATED=0
ensure_apt_packages() {
    local missing=() p
    for p in "${APT_PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$p")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    command -v apt-get >/dev/null 2>&1 || die "missing system packages (${missing[*]}) and no apt-get"
    log "installing system packages: ${missing[*]}"
    if [[ $_APT_UPDATED -eq 0 ]]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        _APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" >&2
}

# ensure_optional_apt_packages: APT_OPTIONAL_PACKAGES, with a warning (not a
# failure) when they cannot be installed.
ensure_optional_apt_packages() {
    local missing=() p
    for p in "${APT_OPTIONAL_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$p")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    # in a subshell: a failure (no network, no root) must not end the caller
    if ! command -v apt-get >/dev/null 2>&1 || ! (ensure_apt_packages "${missing[@]}"); then
        warn "could not install ${missing[*]}: the browser tests (chromium) and the QR decoding (zbarimg) will be skipped, make docs has no model diagram (graphviz)"
    fi
    return 0
}

# ------------------------------------------------------------- python ------
# reqs_satisfied FILE: true when every "name==version" pin of FILE is installed.
reqs_satisfied() { "$PYTHON" "$ROOT/scripts/check_reqs.py" "$@" >/dev/null 2>&1; }

# ensure_venv: the project's virtual environment, made once (unless PYTHON
# names another interpreter).
ensure_venv() {
    [[ $PYTHON == "$PROJECT_VENV/bin/python" ]] || return 0
    if "$PYTHON" -c 'import sys' >/dev/null 2>&1; then return 0; fi
    log "creating the project's virtual environment $PROJECT_VENV (from $BASE_PYTHON)"
    "$BASE_PYTHON" -m venv --clear "$PROJECT_VENV" >&2 \
        || die "could not create $PROJECT_VENV with $BASE_PYTHON (Debian: apt-get install python3-venv)"
}

ensure_python_deps() {
    ensure_venv
    if reqs_satisfied "$ROOT/requirements.txt"; then return 0; fi
    log "installing Python dependencies (requirements.txt)"
    pip_install -r "$ROOT/requirements.txt" >&2
}

# odoo_importable: Odoo 18 is importable by $PYTHON (a bare "import odoo"
# is not enough: OCA wheels leave a namespace folder site-packages/odoo).
odoo_importable() {
    (cd / && "$PYTHON" -c 'import sys, odoo.release as r; sys.exit(r.version_info[0] != 18)') \
        >/dev/null 2>&1
}

# ensure_odoo: installs Odoo 18 from $ODOO_SOURCE (editable) when missing.
# Returns 1 (with a clear message) when Odoo is missing and ODOO_SOURCE unset.
ensure_odoo() {
    if odoo_importable; then return 0; fi
    if [[ -z ${ODOO_SOURCE:-} ]]; then
        # an Odoo 18 source tree already installed (editable) into the
        # system's python3, as this harness did before the project had its
        # own environment: install the same tree here
        ODOO_SOURCE="$(cd / && python3 -c 'import os, odoo.release as r
if r.version_info[0] == 18: print(os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))))' 2>/dev/null)" || ODOO_SOURCE=""
        if [[ -n $ODOO_SOURCE && -f $ODOO_SOURCE/setup.py ]]; then
            log "Odoo 18 source found through python3: $ODOO_SOURCE (set ODOO_SOURCE to choose another)"
        else
            ODOO_SOURCE=""
        fi
    fi
    if [[ -z ${ODOO_SOURCE:-} ]]; then
        warn "Odoo 18 is not importable by '$PYTHON' and ODOO_SOURCE is not set."
        warn "Install it once with:  ODOO_SOURCE=/path/to/odoo-18.0-source make demo   (or make test)"
        return 1
    fi
    local src
    src="$(cd "$ODOO_SOURCE" 2>/dev/null && pwd)" || die "ODOO_SOURCE=$ODOO_SOURCE is not a directory"
    [[ -f $src/setup.py && -f $src/odoo/release.py && -f $src/requirements.txt ]] \
        || die "ODOO_SOURCE=$src does not look like an Odoo source tree (setup.py, odoo/release.py)"
    grep -q "^version_info = (18, 0" "$src/odoo/release.py" \
        || die "ODOO_SOURCE=$src is not Odoo 18.0"
    log "installing Odoo 18 requirements from $src/requirements.txt (takes a few minutes)"
    pip_install -r "$src/requirements.txt" >&2
    # editable_mode=compat: a plain .pth path entry. The default (PEP 660
    # import finder) loses against the site-packages/odoo namespace folder
    # that OCA wheels create, and "import odoo" then breaks.
    log "installing Odoo 18 from $src (editable)"
    pip_install --no-deps -e "$src" --config-settings editable_mode=compat >&2
    # Odoo's requirements may have replaced some of ours (python-dateutil)
    pip_install -r "$ROOT/requirements.txt" >&2
    odoo_importable || die "Odoo was installed from $src but '$PYTHON -c \"import odoo.release\"' still fails"
}

ensure_oca_addons() {
    if reqs_satisfied "$ROOT/requirements-odoo-addons.txt"; then return 0; fi
    odoo_importable || die "install Odoo before the OCA addons"
    log "installing OCA addons (requirements-odoo-addons.txt)"
    # --no-deps: their only dependencies are odoo==18.0.* (installed from
    # source above) and each other (all listed in the file).
    pip_install --no-deps -r "$ROOT/requirements-odoo-addons.txt" >&2
}

# ----------------------------------------------------------- postgres ------
PG_BIN=""
PG_DIR=""; PGDATA=""; PG_SOCK=""; PG_PORT=""

_hash() { printf '%s' "$1" | md5sum | cut -c1-10; }

_as_pg() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

_pg_paths() {
    [[ -n $PG_DIR ]] && return 0
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
    [[ -x $PG_BIN/pg_ctl ]] || die "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin"
    mkdir -p "$STATE"
    PG_DIR="$STATE/pg"
    if [[ $(id -u) -eq 0 && ! -L $PG_DIR ]]; then
        mkdir -p "$PG_DIR"
        chown postgres: "$PG_DIR"
        if ! runuser -u postgres -- test -w "$PG_DIR"; then
            # the repo sits where the postgres user cannot go (e.g. /root):
            # keep the cluster elsewhere, with .state/pg as a symlink to it
            local alt="/var/tmp/ekonsultasi-pg-$(_hash "$ROOT")"
            warn "user postgres cannot reach $PG_DIR; using $alt"
            rmdir "$PG_DIR" 2>/dev/null || true
            mkdir -p "$alt"; chown postgres: "$alt"
            ln -sfn "$alt" "$PG_DIR"
        fi
    fi
    mkdir -p "$PG_DIR"
    PG_DIR="$(cd "$PG_DIR" && pwd -P)"
    PGDATA="$PG_DIR/data"
    PG_SOCK="$PG_DIR/run"
    # unix socket paths are limited to 107 bytes
    if (( ${#PG_SOCK} > 80 )); then PG_SOCK="/tmp/ekonsultasi-pg-$(_hash "$ROOT")"; fi
    if [[ -f $PG_DIR/port ]]; then PG_PORT="$(cat "$PG_DIR/port")"; else PG_PORT="$PG_PORT_DEFAULT"; fi
}

pg_running() {
    _pg_paths
    [[ -f $PGDATA/postmaster.pid ]] && _as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_tcp_port: a TCP port free on 127.0.0.1 now (the kernel's choice)
free_tcp_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_init() {
    _pg_paths
    [[ -f $PGDATA/PG_VERSION ]] && return 0
    log "creating private PostgreSQL cluster in $PGDATA"
    _as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    cat >>"$PGDATA/postgresql.conf" <<EOF

# --- ekonsultasi dev cluster (scripts/lib.sh): loopback only, not durable
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

# Locks (flock) serialize harness processes of one work tree. Fixed file
# descriptors, closed for long-lived children (PostgreSQL, the demo server)
# so that these never keep a lock: 7 = demo db, 8 = make test, 9 = pg start.
lock_fd() {
    local name="$1" fd="$2"
    mkdir -p "$STATE"
    eval "exec $fd>\"\$STATE/\$name.lock\""
    if ! flock -n "$fd"; then
        log "waiting for another harness process of this work tree ($STATE/$name.lock)"
        flock -w "${LOCK_TIMEOUT:-3600}" "$fd" || die "timed out waiting for $STATE/$name.lock"
    fi
}
unlock_fd() { eval "exec $1>&-"; }

pg_start() {
    ensure_apt_packages
    lock_fd pg 9
    _pg_start_locked
    unlock_fd 9
}

_pg_start_locked() {
    pg_init
    if ! pg_running; then
        # keep the last port unless something else took it; another work
        # tree's PostgreSQL may take the port found free before ours binds
        # it: then the next one
        local port="$PG_PORT" tries=0 attempt logsize
        local pglog="$PG_DIR/postgresql.log"
        for attempt in 1 2 3 4 5; do
            while _port_busy "$port"; do
                (( ++tries > 100 )) && die "no free TCP port for PostgreSQL near $PG_PORT_DEFAULT"
                port=$((port + 1))
            done
            PG_PORT="$port"
            echo "$PG_PORT" >"$PG_DIR/port"
            mkdir -p "$PG_SOCK"; chown postgres: "$PG_SOCK" 2>/dev/null || true
            log "starting PostgreSQL on 127.0.0.1:$PG_PORT (data: $PGDATA)"
            logsize="$(stat -c %s "$pglog" 2>/dev/null || echo 0)"
            # 7>&- 8>&- 9>&-: the server must not inherit (and keep) the locks
            if _as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$pglog" -w -t 60 \
                -o "-p $PG_PORT -k $PG_SOCK" start >/dev/null 7>&- 8>&- 9>&-; then
                break
            fi
            if (( attempt < 5 )) && tail -c +"$((logsize + 1))" "$pglog" 2>/dev/null \
                | grep -q "Address already in use"; then
                warn "port $PG_PORT was taken while PostgreSQL started; trying the next one"
                port=$((port + 1))
                continue
            fi
            tail -n 30 "$pglog" >&2
            die "PostgreSQL did not start"
        done
    fi
    if [[ -z $(_psql_super -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ODOO_DB_USER'") ]]; then
        log "creating PostgreSQL role $ODOO_DB_USER"
        _psql_super -c "CREATE ROLE \"$ODOO_DB_USER\" LOGIN CREATEDB" >/dev/null
    fi
}

pg_stop() {
    _pg_paths
    if pg_running; then
        log "stopping PostgreSQL ($PGDATA)"
        _as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
    fi
}

_psql_super() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"; }
pg_psql() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$ODOO_DB_USER" "$@"; }

db_exists() { [[ -n $(pg_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'") ]]; }

# db_module_installed DB [MODULE]: DB exists and MODULE is installed in it
db_module_installed() {
    db_exists "$1" || return 1
    [[ $(pg_psql -d "$1" -tAc "SELECT state FROM ir_module_module WHERE name = '${2:-$ADDON}'" 2>/dev/null) == installed ]]
}

db_drop() {
    local db="$1"
    if db_exists "$db"; then
        log "dropping database $db"
        pg_psql -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
    fi
    rm -rf "$STATE/filestore/filestore/$db"
}

# ------------------------------------------------------------- odoo --------
# addons_path: extra paths, the source tree's addons/ (not packaged by setup.py),
# odoo/addons, every odoo.addons.__path__ entry (OCA wheels), the repo root.
odoo_addons_path() {
    EXTRA_ADDONS_PATH="${EXTRA_ADDONS_PATH:-}" ROOT="$ROOT" "$PYTHON" - <<'EOF'
import os
import odoo
import odoo.addons
paths = [p for p in os.environ["EXTRA_ADDONS_PATH"].replace(":", ",").split(",") if p]
pkg = os.path.dirname(os.path.abspath(odoo.__file__))
paths += [os.path.join(os.path.dirname(pkg), "addons"), os.path.join(pkg, "addons")]
paths += list(odoo.addons.__path__) + [os.environ["ROOT"]]
seen = []
for p in paths:
    p = os.path.realpath(p)
    if os.path.isdir(p) and p not in seen:
        seen.append(p)
print(",".join(seen))
EOF
}

write_odoo_conf() {
    _pg_paths
    mkdir -p "$STATE/filestore" "$LOG_DIR"
    # a random master password, local to this machine and never committed
    if [[ ! -s $STATE/admin_passwd ]]; then
        (umask 077; "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(24))' >"$STATE/admin_passwd")
    fi
    local addons_path tmp
    addons_path="$(odoo_addons_path)"
    tmp="$(mktemp "$STATE/odoo.conf.XXXXXX")"
    cat >"$tmp" <<EOF
; generated by scripts/lib.sh (write_odoo_conf) - do not edit, do not commit
[options]
db_host = 127.0.0.1
db_port = $PG_PORT
db_user = $ODOO_DB_USER
db_password = False
addons_path = $addons_path
data_dir = $STATE/filestore
admin_passwd = $(cat "$STATE/admin_passwd")
http_interface = 127.0.0.1
http_port = $HTTP_PORT
max_cron_threads = 1
EOF
    chmod 600 "$tmp"
    mv -f "$tmp" "$ODOO_CONF"
}

# odoo_cmd [SUBCOMMAND] ARGS...: runs Odoo with .state/odoo.conf
odoo_cmd() {
    local sub=()
    if [[ $# -gt 0 && $1 != -* ]]; then sub=("$1"); shift; fi
    (cd "$ROOT" && "$PYTHON" -m odoo "${sub[@]}" -c "$ODOO_CONF" "$@")
}

# setup_odoo: everything needed before running Odoo (fails without Odoo)
setup_odoo() {
    ensure_apt_packages
    ensure_python_deps
    ensure_odoo || die "Odoo 18 is required here"
    ensure_oca_addons
    pg_start
    write_odoo_conf
}
