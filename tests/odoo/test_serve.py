"""The production profile (make serve, issue 13), started for real: Odoo in
multi-process mode as an unprivileged user, on a PostgreSQL role that is not a
superuser, behind nginx terminating TLS. Everything is asked over HTTPS, as a
browser would, with the self-signed certificate as the only trusted one.

Not an Odoo TransactionCase: the server runs in its own processes, on its own
database (``ekonsultasi_serve_test``, made once, then updated)."""

import concurrent.futures
import configparser
import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
import requests
import websocket

ROOT = Path(__file__).resolve().parents[2]
SERVE_DB = "ekonsultasi_serve_test"
sys.path.insert(0, str(ROOT / "tests" / "ldap"))


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(*args, env, input_text=None):
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "serve.sh"), *args],
        env=env,
        cwd=ROOT,
        input=input_text,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


DURABILITY = ("fsync", "full_page_writes", "synchronous_commit")


def _back_to_test_speed():
    """serve.sh makes the work tree's PostgreSQL cluster durable, as a production
    server's must be (test_the_database_survives_a_crash); the rest of the test run
    goes back to the test settings of lib.sh (the same cluster holds the test
    database)."""
    from odoo.tools import config

    connection = psycopg2.connect(
        host=config["db_host"], port=config["db_port"], user="postgres", dbname="postgres"
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cr:
            for setting in DURABILITY:
                cr.execute(f"ALTER SYSTEM RESET {setting}")
            cr.execute("SELECT pg_reload_conf()")
    finally:
        connection.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    password_file = tmp_path_factory.mktemp("serve") / "admin_password"
    https_port, plain_port = _free_port(), _free_port()
    env = dict(
        os.environ,
        SERVE_DB=SERVE_DB,
        HTTPS_PORT=str(https_port),
        PLAIN_PORT=str(plain_port),
        WORKERS="2",
        SERVE_PASSWORD_FILE=str(password_file),
    )
    # a database made by an earlier run keeps its password: start anew
    state = Path(os.environ.get("STATE", ROOT / ".state"))
    serve_dir = state / "serve" / SERVE_DB
    (serve_dir / "run" / "first_run_done").unlink(missing_ok=True)
    started = _serve("start", env=env)
    try:
        assert started.returncode == 0, started.stderr[-3000:]
        config = configparser.ConfigParser()
        config.read(serve_dir / "odoo.conf")
        yield {
            "base": f"https://127.0.0.1:{https_port}",
            "plain": f"http://127.0.0.1:{plain_port}",
            "https_port": https_port,
            "cert": str(serve_dir / "tls" / "selfsigned.crt"),
            "password": password_file.read_text().strip(),
            "dir": serve_dir,
            "options": config["options"],
            "stdout": started.stderr,
            "env": env,
        }
    finally:
        _serve("stop", env=env)
        _back_to_test_speed()


def get(served, path, **kwargs):
    return requests.get(served["base"] + path, verify=served["cert"], timeout=30, **kwargs)


def test_https_answers_and_http_redirects(served):
    response = get(served, "/web/login")
    assert response.status_code == 200
    assert "NIP atau NIK" in response.text  # the database's language: Indonesian
    plain = requests.get(served["plain"] + "/web/login", allow_redirects=False, timeout=30)
    assert plain.status_code == 301
    assert plain.headers["Location"] == f"{served['base']}/web/login"


def test_database_manager_and_signup_are_refused(served):
    for path in ("/web/database/manager", "/web/database/selector", "/web/signup"):
        assert get(served, path).status_code == 404, path
    listed = requests.post(
        served["base"] + "/web/database/list",
        json={"jsonrpc": "2.0", "params": {}},
        verify=served["cert"],
        timeout=30,
    )
    assert listed.status_code == 404
    # and Odoo itself would refuse them (behind another proxy, or none)
    options = served["options"]
    assert options["list_db"] == "False"
    assert options["dbfilter"] == f"^{SERVE_DB}$"
    assert options["proxy_mode"] == "True"
    assert options["without_demo"] == "all"


def test_cookie_flags_and_security_headers(served):
    response = get(served, "/web/login")
    cookie = response.headers["Set-Cookie"]
    assert "session_id=" in cookie
    for flag in ("HttpOnly", "Secure", "SameSite=Lax"):
        assert flag in cookie, cookie
    headers = response.headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    # no version of nginx or of anything else
    assert headers["Server"] == "nginx"
    assert "X-Powered-By" not in headers
    # each header once (Odoo sets some itself)
    raw = response.raw.headers
    for name in ("X-Frame-Options", "X-Content-Type-Options", "Content-Security-Policy"):
        assert len(raw.getlist(name)) == 1, name


def test_administrator_password_is_generated(served):
    session = requests.Session()

    def login(password):
        return session.post(
            served["base"] + "/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": SERVE_DB, "login": "admin", "password": password},
            },
            verify=served["cert"],
            timeout=30,
        ).json()

    assert len(served["password"]) >= 20
    assert served["password"] in served["stdout"]  # shown once, to who ran it
    assert "error" in login("admin")
    assert login(served["password"])["result"]["uid"] == 2


def test_request_size_is_limited(served):
    # the attachment limit (10 MB, 10 files) and room for the form: 105 MB
    response = requests.post(
        served["base"] + "/web/login",
        data=b"0" * (110 * 1024 * 1024),
        headers={"Content-Type": "application/octet-stream"},
        verify=served["cert"],
        timeout=120,
    )
    assert response.status_code == 413


def _listen_backlog(port):
    """The queue of the socket listening on ``port`` (``ss``: Send-Q of a
    listening socket)."""
    out = subprocess.run(
        ["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, check=True
    ).stdout
    return {int(line.split()[2]) for line in out.splitlines() if line.strip()}


def test_requests_wait_in_a_long_listen_queue(served):
    """Odoo's workers listen with a queue of 8 connections per worker; more at
    once, behind nginx, overflowed it and came back as 502 (the load benchmark
    with one worker). ekonsultasi_server, loaded server-wide, lengthens it
    (``ekonsultasi_listen_backlog``); a burst of many more requests
    than the queue all get their answer."""
    options = served["options"]
    assert "ekonsultasi_server" in options["server_wide_modules"].split(",")
    assert options["ekonsultasi_listen_backlog"] == "1024"
    assert _listen_backlog(options["http_port"]) == {1024}

    def health(_n):
        with requests.Session() as session:
            response = session.get(
                served["base"] + "/web/health", verify=served["cert"], timeout=120
            )
            return response.status_code

    burst = 160  # 10 times the queue Odoo gives 2 workers
    with concurrent.futures.ThreadPoolExecutor(max_workers=burst) as pool:
        codes = list(pool.map(health, range(burst)))
    assert codes == [200] * burst, sorted(set(codes))


def test_websocket_goes_to_the_gevent_port(served):
    connection = websocket.create_connection(
        f"wss://127.0.0.1:{served['https_port']}/websocket?version=18.0-2",
        sslopt={"cert_reqs": ssl.CERT_REQUIRED, "ca_certs": served["cert"]},
        origin=served["base"],
        timeout=30,
    )
    try:
        assert connection.getstatus() == 101
        connection.send(
            json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": 0}})
        )
    finally:
        connection.close()


def test_odoo_runs_unprivileged_in_workers(served):
    master = int((served["dir"] / "run" / "odoo.pid").read_text())
    children = (
        Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if Path(f"/proc/{master}/task/{master}/children").exists()
        else []
    )
    # 2 HTTP workers, the cron worker and the gevent process
    assert len(children) >= 4, children
    for pid in [master, *map(int, children)]:
        uid = next(
            line.split()[1]
            for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            if line.startswith("Uid:")
        )
        assert uid != "0", f"process {pid} runs as root"


def test_the_database_survives_a_crash(served):
    """The work tree's cluster is made for tests (lib.sh: fsync off); serve.sh turns
    on what a crash or a power cut needs before it serves."""
    options = served["options"]
    connection = psycopg2.connect(
        host=options["db_host"],
        port=options["db_port"],
        user=options["db_user"],
        password=options["db_password"],
        dbname=SERVE_DB,
    )
    try:
        with connection.cursor() as cr:
            for setting in DURABILITY:
                cr.execute(f"SHOW {setting}")
                assert cr.fetchone()[0] == "on", setting
    finally:
        connection.close()


def test_database_role_is_not_a_superuser(served):
    options = served["options"]
    connection = psycopg2.connect(
        host=options["db_host"],
        port=options["db_port"],
        user=options["db_user"],
        password=options["db_password"],
        dbname=SERVE_DB,
    )
    try:
        with connection.cursor() as cr:
            cr.execute(
                "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles"
                " WHERE rolname = current_user"
            )
            assert cr.fetchone() == (False, False, False)
    finally:
        connection.close()


# the SIMPEG directory of the pemda, configured in the production database
# through "scripts/serve.sh shell" (as an administrator would)
SIMPEG_SERVER = """
import json, os
info = json.loads(os.environ["SIMPEG_SERVE"])
company = env.ref("base.main_company")
Ldap = env["res.company.ldap"]
Ldap.search([("company", "=", company.id)]).unlink()
Ldap.create({
    "company": company.id, "ldap_server": info["host"], "ldap_server_port": info["port"],
    "ldap_binddn": info["bind_dn"], "ldap_password": info["bind_password"],
    "ldap_base": info["base"], "ldap_filter": "(&(objectClass=inetOrgPerson)(uid=%s))",
    "simpeg_enabled": True, "create_user": True, "ldap_timeout": 5,
})
env.cr.commit()
"""


NO_SIMPEG_SERVER = """
env["res.company.ldap"].search([]).unlink()
env.cr.commit()
"""


def test_konsulti_logs_in_through_the_directory_behind_the_proxy(served):
    try:
        from simpeg_directory import start_simpeg_directory
    except ImportError as exc:  # python-ldap is in requirements.txt
        pytest.fail(f"the SIMPEG test directory cannot start: {exc}")
    with start_simpeg_directory(12) as directory:
        host, port = directory.server.uri.rsplit("/", 1)[1].split(":")
        info = {
            "host": host,
            "port": int(port),
            "bind_dn": directory.config.bind_dn,
            "bind_password": directory.config.bind_password,
            "base": directory.config.base,
        }
        configured = _serve(
            "shell",
            env=dict(served["env"], SIMPEG_SERVE=json.dumps(info)),
            input_text=SIMPEG_SERVER,
        )
        assert configured.returncode == 0, configured.stderr[-2000:]
        try:
            _log_in_from_the_directory(served, directory)
        finally:
            # the directory stops with this test: the others log in without it
            _serve("shell", env=served["env"], input_text=NO_SIMPEG_SERVER)


def _log_in_from_the_directory(served, directory):
    """A konsulti of the directory logs in over HTTPS; his account is made."""
    person = directory.by_key()["pelaksana"]
    session = requests.Session()
    cert = served["cert"]  # per request: REQUESTS_CA_BUNDLE would win over session.verify
    page = session.get(served["base"] + "/web/login", verify=cert, timeout=30).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = session.post(
        served["base"] + "/web/login",
        data={"login": person.login, "password": person.password, "csrf_token": csrf},
        allow_redirects=False,
        verify=cert,
        timeout=60,
    )
    assert response.status_code in (302, 303), response.text[:500]
    assert "/web/login" not in response.headers["Location"]
    # a konsulti (portal user), created from the directory at his first login
    account = session.get(served["base"] + "/my/account", verify=cert, timeout=30)
    assert account.status_code == 200
    assert person.login in account.text  # his NIP, in his SIMPEG profile


COOLDOWN_PARAMS = """
import os
ICP = env["ir.config_parameter"]
ICP.set_param("base.login_cooldown_after", os.environ["COOLDOWN_AFTER"])
ICP.set_param("base.login_cooldown_duration", 60)
env.cr.execute("DELETE FROM ekonsultasi_login_failure")
env.cr.commit()
"""


def _authenticate_from(served, source, login, password, headers=None):
    """/web/session/authenticate over HTTPS from the local address
    ``source`` (every 127.x address is this machine): the JSON-RPC error
    message, or None on success."""
    context = ssl.create_default_context(cafile=served["cert"])
    connection = http.client.HTTPSConnection(
        "127.0.0.1", served["https_port"], source_address=(source, 0), context=context, timeout=60
    )
    body = json.dumps(
        {"jsonrpc": "2.0", "params": {"db": SERVE_DB, "login": login, "password": password}}
    )
    try:
        connection.request(
            "POST",
            "/web/session/authenticate",
            body=body,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        answer = json.loads(connection.getresponse().read())
    finally:
        connection.close()
    error = answer.get("error")
    return error["data"]["message"] if error else None


# the message of a refused login, in the database's language
TOO_MANY = "Terlalu banyak percobaan masuk yang gagal"


def test_login_cooldown_counts_per_client_across_workers(served):
    """The failures of one client, served by either of the workers, put
    that client on cooldown after ``base.login_cooldown_after`` of them
    (counted in the database: in each worker's memory, as Odoo counts, 5
    failures spread over 2 workers would not be enough); another client is
    not; a forged X-Forwarded-For does not change who the client is."""
    after = 5
    env = dict(served["env"], COOLDOWN_AFTER=str(after))
    configured = _serve("shell", env=env, input_text=COOLDOWN_PARAMS)
    assert configured.returncode == 0, configured.stderr[-2000:]
    try:
        for attempt in range(after):
            message = _authenticate_from(served, "127.0.0.2", f"tebakan{attempt}", "salah")
            assert message and TOO_MANY not in message, message
        refused = _authenticate_from(
            served, "127.0.0.2", "admin", served["password"], {"X-Forwarded-For": "10.9.9.9"}
        )
        assert refused and TOO_MANY in refused, refused
        # another client logs in
        assert _authenticate_from(served, "127.0.0.3", "admin", served["password"]) is None
    finally:
        _serve("shell", env=dict(env, COOLDOWN_AFTER="5"), input_text=COOLDOWN_PARAMS)
