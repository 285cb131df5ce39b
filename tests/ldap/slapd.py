"""A throwaway OpenLDAP server (Debian's ``slapd``) for tests and benchmarks.

No Odoo, no python-ldap needed here: the server is configured with a
``slapd.conf`` (``slapd -f``) in a temporary folder, uses the ``mdb`` backend,
listens on free loopback ports and is stopped (and its folder removed)
afterwards::

    with Slapd(tls=True) as server:
        server.add_ldif(text)            # online, with ldapadd
        server.uri, server.ldaps_uri, server.ca_file

    server = Slapd()
    server.load_ldif(text)               # offline, with slapadd (fast), before start()
    server.start()
    ...
    server.stop()

The directory has the SIMPEG schema of ``simpeg.schema`` (auxiliary object
class ``simpegPerson``), the suffix ``dc=sijunjungkab,dc=go,dc=id`` with
``ou=people`` and ``ou=services``, an administrator (the rootdn) and a read-only
service account for the Odoo synchronisation (``cn=odoo-sync,ou=services,...``)
with no size limit; any other bind keeps slapd's default size limit (500).
With ``tls=True`` a self-signed CA and a server certificate for ``localhost`` /
``127.0.0.1`` are generated with the ``openssl`` command, and slapd also listens
on ``ldaps://`` and offers STARTTLS on ``ldap://``.

:func:`wait_for` is the one way the tests, benchmarks and scripts wait for a
state another process brings about (slapd started, a line in its log, the
clock past a second): poll with a deadline, then fail saying what was
awaited. Never read once, never sleep a fixed time instead.
"""

import atexit
import datetime
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEMA_FILE = HERE / "simpeg.schema"

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
LDAPADD = "ldapadd"
LDAPMODIFY = "ldapmodify"
LDAPSEARCH = "ldapsearch"
MODULE_PATHS = ("/usr/lib/ldap", "/usr/lib/x86_64-linux-gnu/ldap", "/usr/lib64/openldap")
SYSTEM_SCHEMA_DIRS = ("/etc/ldap/schema", "/etc/openldap/schema")

BASE_DN = "dc=sijunjungkab,dc=go,dc=id"
PEOPLE_DN = f"ou=people,{BASE_DN}"
SERVICES_DN = f"ou=services,{BASE_DN}"
ADMIN_DN = f"cn=admin,{BASE_DN}"
ADMIN_PASSWORD = "admin-secret"
SYNC_DN = f"cn=odoo-sync,{SERVICES_DN}"
SYNC_PASSWORD = "sync-secret"


_LIVE = set()  # running Slapd objects, stopped at interpreter exit
PORT_ATTEMPTS = 5  # starts of slapd with other ports when its port was taken
LOG_TIMEOUT = 10  # seconds slapd may take to write a line to its log


@atexit.register
def _stop_all():
    for server in list(_LIVE):
        server.cleanup()


class SlapdError(RuntimeError):
    """slapd or one of the OpenLDAP tools failed."""


def missing_tools(tls=False):
    """Names of the programs this module needs that are not installed
    (empty when everything is there)."""
    missing = []
    for tool in (SLAPD, SLAPADD):
        if not os.access(tool, os.X_OK):
            missing.append(tool)
    for tool in (LDAPADD, LDAPMODIFY, LDAPSEARCH) + (("openssl",) if tls else ()):
        if not shutil.which(tool):
            missing.append(tool)
    if not _module_path():
        missing.append("back_mdb module (slapd)")
    return missing


def _module_path():
    for path in MODULE_PATHS:
        if Path(path, "back_mdb.la").exists() or Path(path, "back_mdb.so").exists():
            return path
    return None


def _schema_dir():
    for path in SYSTEM_SCHEMA_DIRS:
        if Path(path, "core.schema").exists():
            return path
    raise SlapdError("OpenLDAP schema files (core.schema) not found")


class WaitTimeout(AssertionError):
    """What :func:`wait_for` waited for did not come in time."""


def wait_for(predicate, timeout, message, *, interval=0.05):
    """Call ``predicate`` until it returns something true, and return that;
    after ``timeout`` seconds raise :class:`WaitTimeout` with ``message`` (a
    string, or a callable giving one, e.g. with the end of a log). The
    predicate is called once more at the deadline, so a slow last sleep
    never fails a wait whose state came in time."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            result = predicate()
            if result:
                return result
            text = message() if callable(message) else message
            raise WaitTimeout(f"{text} (waited {timeout:g} s)")
        time.sleep(min(interval, max(deadline - time.monotonic(), 0)))


def wait_for_next_second(after):
    """Wait until the UTC clock reads a later second than ``after`` (an
    aware datetime, or a naive one in UTC) and return the time then:
    LDAP's modifyTimestamp counts whole seconds."""
    if after.tzinfo is None:
        after = after.replace(tzinfo=datetime.timezone.utc)
    limit = after.replace(microsecond=0) + datetime.timedelta(seconds=1)

    def now_past():
        now = datetime.datetime.now(datetime.timezone.utc)
        return now if now >= limit else None

    return wait_for(now_past, 5, f"the clock did not reach {limit:%H:%M:%S} UTC")


def free_ports(count=1):
    """``count`` distinct TCP ports free on 127.0.0.1 right now (someone may
    take one before it is used: :meth:`Slapd.start` then picks others)."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def free_port():
    """A TCP port free on 127.0.0.1 right now."""
    return free_ports(1)[0]


def _run(cmd, *, input_text=None, env=None, check=True):
    proc = subprocess.run(
        cmd,
        input=input_text,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if check and proc.returncode != 0:
        raise SlapdError(
            f"{' '.join(map(str, cmd[:1]))} failed ({proc.returncode}):\n"
            f"{proc.stderr.strip() or proc.stdout.strip()}"
        )
    return proc


def make_certificates(folder, hostname="localhost"):
    """A self-signed CA and a server certificate (for ``hostname`` and
    127.0.0.1) made with the ``openssl`` command; returns ``(ca, cert, key)``
    paths. libldap checks ``localhost`` against the machine's own name, so
    that name is in the certificate too."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca_crt = folder / "ca.key", folder / "ca.crt"
    key, csr, crt = folder / "server.key", folder / "server.csr", folder / "server.crt"
    ext = folder / "server.ext"
    _run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/O=Test SIMPEG CA/CN=Test SIMPEG CA",
            "-keyout",
            ca_key,
            "-out",
            ca_crt,
        ]
    )
    _run(
        [
            "openssl",
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            f"/O=Test SIMPEG/CN={hostname}",
            "-keyout",
            key,
            "-out",
            csr,
        ]
    )
    ext.write_text(
        "basicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        f"subjectAltName=DNS:{hostname},DNS:{socket.gethostname()},IP:127.0.0.1\n"
    )
    _run(
        [
            "openssl",
            "x509",
            "-req",
            "-in",
            csr,
            "-CA",
            ca_crt,
            "-CAkey",
            ca_key,
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            ext,
            "-out",
            crt,
        ]
    )
    key.chmod(0o600)
    return ca_crt, crt, key


def base_ldif(base_dn=BASE_DN):
    """The tree above the people: the suffix, ``ou=people``, ``ou=services``
    and the service account of the synchronisation."""
    dc = base_dn.split(",")[0].split("=", 1)[1]
    return (
        f"dn: {base_dn}\nobjectClass: dcObject\nobjectClass: organization\n"
        f"dc: {dc}\no: Pemerintah Kabupaten Sijunjung\n\n"
        f"dn: ou=people,{base_dn}\nobjectClass: organizationalUnit\nou: people\n\n"
        f"dn: ou=services,{base_dn}\nobjectClass: organizationalUnit\nou: services\n\n"
        f"dn: cn=odoo-sync,ou=services,{base_dn}\nobjectClass: organizationalRole\n"
        f"objectClass: simpleSecurityObject\ncn: odoo-sync\n"
        f"userPassword: {SYNC_PASSWORD}\n"
        "description: read-only account of the e-konsultasi synchronisation\n\n"
    )


class Slapd:
    """One slapd process with its own configuration and database folder."""

    def __init__(
        self, *, tls=False, base_dn=BASE_DN, workdir=None, with_base=True, start_timeout=15
    ):
        problems = missing_tools(tls)
        if problems:
            raise SlapdError("not installed: " + ", ".join(problems))
        self.tls = tls
        self.base_dn = base_dn
        self.admin_dn = f"cn=admin,{base_dn}"
        self.admin_password = ADMIN_PASSWORD
        self.sync_dn = f"cn=odoo-sync,ou=services,{base_dn}"
        self.sync_password = SYNC_PASSWORD
        self.people_dn = f"ou=people,{base_dn}"
        self.start_timeout = start_timeout
        self._own_dir = workdir is None
        self.dir = Path(workdir or tempfile.mkdtemp(prefix="slapd-test-"))
        self.db_dir = self.dir / "db"
        self.db_dir.mkdir(parents=True, exist_ok=True)
        self.conf = self.dir / "slapd.conf"
        self.log = self.dir / "slapd.log"
        self.port = self.ldaps_port = None
        self._pick_ports()
        self._started_once = False
        self.ca_file = self.cert_file = self.key_file = None
        if tls:
            self.ca_file, self.cert_file, self.key_file = make_certificates(self.dir / "tls")
        self._write_conf()
        self.process = None
        self._loaded_base = False
        if with_base:
            self.load_ldif(base_ldif(base_dn))
            self._loaded_base = True

    # -- configuration ----------------------------------------------------
    def _write_conf(self):
        schema = _schema_dir()
        tls = ""
        if self.tls:
            tls = (
                f"TLSCACertificateFile {self.ca_file}\n"
                f"TLSCertificateFile {self.cert_file}\n"
                f"TLSCertificateKeyFile {self.key_file}\n"
            )
        self.conf.write_text(
            f"include {schema}/core.schema\n"
            f"include {schema}/cosine.schema\n"
            f"include {schema}/inetorgperson.schema\n"
            f"include {SCHEMA_FILE}\n"
            f"pidfile {self.dir}/slapd.pid\n"
            f"argsfile {self.dir}/slapd.args\n"
            f"modulepath {_module_path()}\n"
            "moduleload back_mdb\n"
            f"{tls}"
            "loglevel stats\n"
            "sizelimit 500\n"
            "database mdb\n"
            "maxsize 1073741824\n"
            f'suffix "{self.base_dn}"\n'
            f'rootdn "{self.admin_dn}"\n'
            f"rootpw {self.admin_password}\n"
            f"directory {self.db_dir}\n"
            "index objectClass eq\n"
            "index uid,cn,mail eq\n"
            "index modifyTimestamp eq\n"
            f'limits dn.exact="{self.sync_dn}" size=unlimited time=unlimited\n'
            "access to attrs=userPassword\n"
            "  by self write\n"
            "  by anonymous auth\n"
            "  by * none\n"
            "access to *\n"
            f'  by dn.exact="{self.sync_dn}" read\n'
            "  by users read\n"
            "  by * none\n"
        )

    # -- addresses --------------------------------------------------------
    @property
    def uri(self):
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_uri(self):
        if not self.tls:
            raise SlapdError("this slapd was started without TLS")
        return f"ldaps://127.0.0.1:{self.ldaps_port}"

    def _urls(self):
        urls = [self.uri]
        if self.tls:
            urls.append(f"ldaps://127.0.0.1:{self.ldaps_port}")
        return " ".join(urls)

    # -- life cycle -------------------------------------------------------
    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def _pick_ports(self):
        ports = free_ports(2 if self.tls else 1)
        self.port, self.ldaps_port = ports[0], (ports[1] if self.tls else None)

    def start(self):
        """Start slapd and return once it answers. A port found free when
        this object was made may have been taken since (by another test
        run's server or client): before the first start slapd then gets new
        ports; a restart keeps its ports, which clients know, and tries
        again until ``start_timeout``."""
        if self.running:
            return self
        deadline = time.monotonic() + self.start_timeout
        for attempt in range(1, PORT_ATTEMPTS + 1):
            if self._start_once(deadline):
                self._started_once = True
                return self
            if attempt == PORT_ATTEMPTS or time.monotonic() >= deadline:
                break
            if self._started_once:
                time.sleep(0.2)
            else:
                self._pick_ports()
        raise SlapdError(
            f"slapd could not listen on {self._urls()} ({attempt} attempts, "
            f"address in use):\n{self.tail_log()}"
        )

    def _start_once(self, deadline):
        """One slapd process: True once it answers, False when it could not
        bind its address (in use); any other failure raises."""
        offset = self.log_offset()
        # -d makes slapd stay in the foreground, so this object owns the process
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [SLAPD, "-f", str(self.conf), "-h", self._urls(), "-d", "stats"],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _LIVE.add(self)
        process = self.process
        timeout = max(deadline - time.monotonic(), 1)
        try:
            # "slapd starting" comes once every listener is bound: only then
            # can a server answering on the port be this one
            wait_for(
                lambda: process.poll() is not None or b"slapd starting" in self._log_after(offset),
                timeout,
                lambda: f"slapd did not start:\n{self.tail_log()}",
            )
            if process.poll() is None:
                wait_for(
                    lambda: process.poll() is not None or self._answers(),
                    max(deadline - time.monotonic(), 1),
                    lambda: f"slapd does not answer on {self.uri}:\n{self.tail_log()}",
                )
        except WaitTimeout as exc:
            self.kill()
            raise SlapdError(str(exc)) from None
        if process.poll() is None:
            return True
        self.process = None
        if b"errno=98" in self._log_after(offset):  # EADDRINUSE
            return False
        raise SlapdError(f"slapd exited with {process.returncode}:\n{self.tail_log()}")

    def _answers(self):
        probe = [LDAPSEARCH, "-x", "-LLL", "-H", self.uri, "-s", "base", "-b", ""]
        try:
            proc = subprocess.run(
                [*probe, "namingContexts"],
                capture_output=True,
                text=True,
                check=False,
                timeout=10,
            )
        except subprocess.TimeoutExpired:
            return False
        return proc.returncode == 0

    def stop(self, timeout=10):
        """Stop slapd cleanly (SIGTERM); the database stays for a restart."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # in case it was paused
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self):
        """Kill slapd at once (SIGKILL), as a crash or a network cut would."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def _thread_states(self):
        """The scheduler state letter of each of slapd's threads."""
        states = []
        for stat in Path(f"/proc/{self.process.pid}/task").glob("*/stat"):
            try:
                # "pid (comm) S ...": the state follows the last parenthesis
                states.append(stat.read_text().rpartition(")")[2].split()[0])
            except (FileNotFoundError, ProcessLookupError):
                continue  # a thread that ended meanwhile
        return states

    def pause(self):
        """Freeze slapd (SIGSTOP): connections stay open but nothing answers,
        as with a network that hangs. Returns once every thread is stopped:
        the signal is delivered asynchronously."""
        if self.running:
            self.process.send_signal(signal.SIGSTOP)
            wait_for(
                lambda: all(state == "T" for state in self._thread_states()),
                10,
                f"slapd (pid {self.process.pid}) did not stop",
                interval=0.01,
            )

    def resume(self):
        """Let a paused slapd go on; returns once no thread is stopped."""
        if self.running:
            self.process.send_signal(signal.SIGCONT)
            wait_for(
                lambda: "T" not in self._thread_states(),
                10,
                f"slapd (pid {self.process.pid}) did not continue",
                interval=0.01,
            )

    def restart(self):
        self.stop()
        return self.start()

    def cleanup(self):
        _LIVE.discard(self)
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()

    def tail_log(self, lines=30):
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def log_offset(self):
        """The size of slapd's log now: give it to :meth:`wait_for_log` to
        look only at what slapd writes after this moment."""
        try:
            return self.log.stat().st_size
        except FileNotFoundError:
            return 0

    def _log_after(self, offset):
        try:
            with open(self.log, "rb") as log:
                log.seek(offset)
                return log.read()
        except FileNotFoundError:
            return b""

    def wait_for_log(self, text, since=0, timeout=LOG_TIMEOUT):
        """Wait until slapd has written ``text`` to its log after byte
        ``since`` (see :meth:`log_offset`). slapd logs an operation after it
        answered it: the client may go on before the line is there."""
        needle = text.encode()
        return wait_for(
            lambda: needle in self._log_after(since),
            timeout,
            lambda: f"slapd did not log {text!r}; its log ends with:\n{self.tail_log()}",
        )

    # -- data -------------------------------------------------------------
    def load_ldif(self, ldif, quick=True):
        """Load entries offline with ``slapadd`` (slapd must be stopped):
        much faster than ldapadd for thousands of entries. ``ldif`` is the
        text or a path."""
        if self.running:
            raise SlapdError("slapadd needs slapd stopped")
        path = Path(ldif) if isinstance(ldif, Path) else None
        if path is None:
            path = self.dir / f"load-{time.monotonic_ns()}.ldif"
            path.write_text(ldif, encoding="utf-8")
        cmd = [SLAPADD, "-f", str(self.conf), "-b", self.base_dn, "-l", str(path)]
        if quick:
            cmd.insert(1, "-q")
        _run(cmd)

    def _tool_env(self):
        env = dict(os.environ)
        env["LDAPTLS_REQCERT"] = "demand"
        if self.ca_file:
            env["LDAPTLS_CACERT"] = str(self.ca_file)
        return env

    def add_ldif(self, ldif):
        """Add entries online (``ldapadd`` as the administrator)."""
        _run(
            [LDAPADD, "-x", "-H", self.uri, "-D", self.admin_dn, "-w", self.admin_password],
            input_text=ldif,
            env=self._tool_env(),
        )

    def modify_ldif(self, ldif):
        """Apply an LDIF of changes (``ldapmodify`` as the administrator)."""
        _run(
            [LDAPMODIFY, "-x", "-H", self.uri, "-D", self.admin_dn, "-w", self.admin_password],
            input_text=ldif,
            env=self._tool_env(),
        )

    def ldapsearch_cmd(
        self, base=None, filterstr="(objectClass=*)", *attrs, page_size=None, as_admin=False
    ):
        """The ``ldapsearch`` command line (as the sync account by default)."""
        dn, pw = (
            (self.admin_dn, self.admin_password) if as_admin else (self.sync_dn, self.sync_password)
        )
        cmd = [
            LDAPSEARCH,
            "-x",
            "-LLL",
            "-H",
            self.uri,
            "-D",
            dn,
            "-w",
            pw,
            "-b",
            base or self.people_dn,
        ]
        if page_size:
            cmd += ["-E", f"pr={page_size}/noprompt"]
        return cmd + [filterstr, *attrs]
