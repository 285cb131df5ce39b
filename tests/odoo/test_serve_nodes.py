"""Several Odoo nodes (issue 13, "Several nodes"): ``NODES=2 scripts/serve.sh
start`` starts two Odoo processes in multi-process mode as on two machines
(each its own configuration file and ports, the same database and data_dir)
behind nginx's upstream blocks, the sessions in PostgreSQL (OCA session_db).

A konsulti (portal) and a backend user log in once, then ask each node
directly (its own port) and nginx in turn (round robin): they stay logged in
whichever node answers, and a logout on one node is a logout on every node.

Not an Odoo TransactionCase: the servers run in their own processes, on the
production profile's database of test_serve.py (``ekonsultasi_serve_test``,
made once, then updated)."""

import configparser
import json
import os
import re
import ssl
import uuid
from pathlib import Path

import psycopg2
import pytest
import requests
import websocket
from test_serve import SERVE_DB, _back_to_test_speed, _free_port, _serve

KONSULTI_LOGIN = "konsulti.nodes"
KONSULTI_NAME = "Nurhayati Nodes"

MAKE_KONSULTI = """
import os
Users = env["res.users"].with_context(no_reset_password=True)
user = Users.search([("login", "=", os.environ["KONSULTI_LOGIN"])])
if not user:
    user = Users.create({
        "login": os.environ["KONSULTI_LOGIN"],
        "name": os.environ["KONSULTI_NAME"],
        "groups_id": [(6, 0, [env.ref("ekonsultasi_addon.group_ekonsultasi_konsulti").id])],
    })
user.password = os.environ["KONSULTI_PASSWORD"]
env.cr.commit()
"""


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    password_file = tmp_path_factory.mktemp("nodes") / "admin_password"
    https_port, plain_port = _free_port(), _free_port()
    env = dict(
        os.environ,
        SERVE_DB=SERVE_DB,
        HTTPS_PORT=str(https_port),
        PLAIN_PORT=str(plain_port),
        NODES="2",
        WORKERS="2",
        SERVE_PASSWORD_FILE=str(password_file),
    )
    state = Path(os.environ.get("STATE", Path(__file__).resolve().parents[2] / ".state"))
    serve_dir = state / "serve" / SERVE_DB
    # a new administrator password, shown to this run
    (serve_dir / "run" / "first_run_done").unlink(missing_ok=True)
    started = _serve("start", env=env)
    try:
        assert started.returncode == 0, started.stderr[-3000:]
        konsulti_password = uuid.uuid4().hex
        made = _serve(
            "shell",
            env=dict(
                env,
                KONSULTI_LOGIN=KONSULTI_LOGIN,
                KONSULTI_NAME=KONSULTI_NAME,
                KONSULTI_PASSWORD=konsulti_password,
            ),
            input_text=MAKE_KONSULTI,
        )
        assert made.returncode == 0, made.stderr[-2000:]
        configs = []
        for name in ("odoo.conf", "odoo-node2.conf"):
            config = configparser.ConfigParser()
            config.read(serve_dir / name)
            configs.append(config["options"])
        yield {
            "base": f"https://127.0.0.1:{https_port}",
            "https_port": https_port,
            "cert": str(serve_dir / "tls" / "selfsigned.crt"),
            "password": password_file.read_text().strip(),
            "konsulti_password": konsulti_password,
            "dir": serve_dir,
            "configs": configs,
            "nodes": [f"http://127.0.0.1:{config['http_port']}" for config in configs],
            "logs": [Path(config["logfile"]) for config in configs],
            "env": env,
        }
    finally:
        _serve("stop", env=env)
        _back_to_test_speed()


def test_each_node_has_its_own_configuration(nodes):
    first, second = nodes["configs"]
    assert first["http_port"] != second["http_port"]
    assert first["gevent_port"] != second["gevent_port"]
    assert first["logfile"] != second["logfile"]
    for key in ("db_name", "db_host", "db_port", "db_user", "data_dir", "workers"):
        assert first[key] == second[key], key
    assert first["workers"] == "2"
    assert "session_db" in first["server_wide_modules"].split(",")
    site = (nodes["dir"] / "nginx-ekonsultasi.conf").read_text()
    upstreams = (("ekonsultasi_odoo", "http_port"), ("ekonsultasi_websocket", "gevent_port"))
    for upstream, port in upstreams:
        block = re.search(rf"upstream {upstream} {{(.*?)}}", site, re.DOTALL).group(1)
        assert re.findall(r"server 127\.0\.0\.1:(\d+) max_fails=0;", block) == [
            first[port],
            second[port],
        ], block
    status = _serve("status", env=nodes["env"])
    assert status.returncode == 0, status.stdout + status.stderr
    assert "node 1 runs" in status.stdout and "node 2 runs" in status.stdout, status.stdout


def _cookie(response):
    return re.search(r"session_id=([^;]+)", response.headers["Set-Cookie"]).group(1)


def _session_info(nodes, url, sid):
    """The session's uid as the server at ``url`` knows it (None: not logged
    in), and a probe identifying the request in the nodes' logs."""
    probe = uuid.uuid4().hex
    response = requests.post(
        f"{url}/web/session/get_session_info?probe={probe}",
        json={"jsonrpc": "2.0", "params": {}},
        headers={"Cookie": f"session_id={sid}"},
        verify=nodes["cert"],
        timeout=30,
    )
    answer = response.json()
    if "error" in answer:
        return None, probe
    return answer["result"]["uid"], probe


def _served_by(nodes, probes):
    """For each probe, the node (0 or 1) whose log shows the request."""
    logs = [log.read_text(errors="replace") for log in nodes["logs"]]
    found = []
    for probe in probes:
        where = [i for i, text in enumerate(logs) if probe in text]
        assert len(where) == 1, (probe, where)
        found.append(where[0])
    return found


def _stays_logged_in(nodes, sid, uid):
    # each node directly (its own port)
    for url in nodes["nodes"]:
        assert _session_info(nodes, url, sid)[0] == uid, url
    # through nginx: round robin, so the requests land on both nodes
    probes = []
    for _ in range(6):
        got, probe = _session_info(nodes, nodes["base"], sid)
        assert got == uid
        probes.append(probe)
    assert set(_served_by(nodes, probes)) == {0, 1}


def test_backend_user_stays_logged_in_on_every_node(nodes):
    response = requests.post(
        nodes["base"] + "/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "params": {"db": SERVE_DB, "login": "admin", "password": nodes["password"]},
        },
        verify=nodes["cert"],
        timeout=30,
    )
    assert response.json()["result"]["uid"] == 2
    sid = _cookie(response)
    _stays_logged_in(nodes, sid, 2)
    # the session is in PostgreSQL (session_db), not in a node's files
    options = nodes["configs"][0]
    connection = psycopg2.connect(
        host=options["db_host"],
        port=options["db_port"],
        user=options["db_user"],
        password=options["db_password"],
        dbname=f"{SERVE_DB}_sessions",
    )
    try:
        with connection.cursor() as cr:
            cr.execute("SELECT payload FROM http_sessions WHERE sid = %s", (sid,))
            (payload,) = cr.fetchone()
    finally:
        connection.close()
    assert json.loads(payload)["uid"] == 2
    assert not list(Path(options["data_dir"]).glob(f"sessions/*/{sid}"))


def test_konsulti_stays_logged_in_on_every_node_until_he_logs_out(nodes):
    session = requests.Session()
    cert = nodes["cert"]
    page = session.get(nodes["base"] + "/web/login", verify=cert, timeout=30).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = session.post(
        nodes["base"] + "/web/login",
        data={"login": KONSULTI_LOGIN, "password": nodes["konsulti_password"], "csrf_token": csrf},
        allow_redirects=False,
        verify=cert,
        timeout=60,
    )
    assert response.status_code in (302, 303), response.text[:500]
    assert "/web/login" not in response.headers["Location"]
    sid = _cookie(response)
    uid, _probe = _session_info(nodes, nodes["base"], sid)
    assert uid
    _stays_logged_in(nodes, sid, uid)
    # his portal pages, from each node
    for url in [*nodes["nodes"], nodes["base"], nodes["base"]]:
        account = requests.get(
            url + "/my/account",
            headers={"Cookie": f"session_id={sid}"},
            allow_redirects=False,
            verify=cert,
            timeout=30,
        )
        assert account.status_code == 200, (url, account.status_code)
        assert KONSULTI_NAME in account.text
    # logged out through one node: logged out on every node
    logout = requests.get(
        nodes["nodes"][1] + "/web/session/logout",
        headers={"Cookie": f"session_id={sid}"},
        allow_redirects=False,
        timeout=30,
    )
    assert logout.status_code in (302, 303)
    for url in nodes["nodes"]:
        assert _session_info(nodes, url, sid)[0] is None, url


def test_websocket_through_the_upstream(nodes):
    connection = websocket.create_connection(
        f"wss://127.0.0.1:{nodes['https_port']}/websocket?version=18.0-2",
        sslopt={"cert_reqs": ssl.CERT_REQUIRED, "ca_certs": nodes["cert"]},
        origin=nodes["base"],
        timeout=30,
    )
    try:
        assert connection.getstatus() == 101
    finally:
        connection.close()
