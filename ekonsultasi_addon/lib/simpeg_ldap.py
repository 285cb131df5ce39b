"""LDAP client for the SIMPEG directory (single sign-on and synchronisation).

Plain Python on top of ``python-ldap``; nothing here imports Odoo, so the Odoo
side (login through ``auth_ldap``, the scheduled synchronisation) and the tests
share it.

* :class:`SimpegLdapConfig`: where the directory is and how to talk to it.
* :func:`connect`: an authenticated connection, over ``ldaps://`` or
  ``ldap://`` + STARTTLS, certificate checked, with network and operation
  time-outs.
* :func:`iter_entries`: every entry under a base matching a filter, fetched
  page by page (Simple Paged Results control, RFC 2696), so memory does not
  grow with the directory; optionally only those modified since a time.
* :func:`find_login` / :func:`authenticate`: the entry of a login (the value
  escaped with :func:`ldap.filter.filter_format`), then a bind as its DN.

Every failure of the directory (unreachable, time-out, size limit, TLS,
server gone in the middle of a pass...) is raised as :class:`DirectoryError`,
so a caller knows that a pass did not see the whole directory and must not
draw conclusions from what is missing. A wrong password is not an error:
:func:`authenticate` returns ``None``.
"""

import dataclasses
import datetime
import re

import ldap
from ldap.controls import SimplePagedResultsControl
from ldap.filter import escape_filter_chars, filter_format

DEFAULT_FILTER = "(objectClass=inetOrgPerson)"
DEFAULT_PAGE_SIZE = 500
_GENERALIZED_TIME = re.compile(r"^\d{14}(\.\d+)?Z$")


class DirectoryError(Exception):
    """The directory could not be read completely (or at all).

    ``cause`` is the original ``ldap.LDAPError`` (or ``None``)."""

    def __init__(self, message, cause=None):
        super().__init__(message)
        self.cause = cause


@dataclasses.dataclass
class SimpegLdapConfig:
    """Connection settings of the SIMPEG directory.

    ``login_filter`` is the filter of one login, with ``%s`` where the
    (escaped) login goes; empty means ``(&<filter>(<login_attribute>=%s))``.
    ``tls_require_cert`` is ``demand`` (default: certificate checked against
    ``ca_file`` or the system CAs), ``allow`` or ``never`` (tests only)."""

    uri: str
    base: str
    bind_dn: str = ""
    bind_password: str = ""
    filter: str = DEFAULT_FILTER
    login_attribute: str = "uid"
    login_filter: str = ""
    starttls: bool = False
    ca_file: str = ""
    tls_require_cert: str = "demand"
    timeout: float = 10.0
    page_size: int = DEFAULT_PAGE_SIZE

    def __post_init__(self):
        if not re.match(r"^ldaps?://", self.uri or "", re.IGNORECASE):
            raise ValueError(f"LDAP URI must start with ldap:// or ldaps://: {self.uri!r}")
        if self.tls_require_cert not in ("demand", "hard", "allow", "try", "never"):
            raise ValueError(f"tls_require_cert: unknown value {self.tls_require_cert!r}")
        if int(self.page_size) < 1:
            raise ValueError("page_size must be at least 1")
        if float(self.timeout) <= 0:
            raise ValueError("timeout must be positive")

    @property
    def is_ldaps(self):
        return self.uri.lower().startswith("ldaps://")

    @property
    def encrypted(self):
        return self.is_ldaps or self.starttls

    def login_filter_template(self):
        """The login filter with one ``%s`` for :func:`filter_format`."""
        if self.login_filter:
            if self.login_filter.count("%s") != 1:
                raise ValueError("login_filter must contain %s exactly once")
            return self.login_filter
        base = wrap_filter(self.filter).replace("%", "%%")
        return f"(&{base}({self.login_attribute}=%s))"


def wrap_filter(filterstr):
    """``filterstr`` with its outer parentheses (``uid=*`` -> ``(uid=*)``)."""
    filterstr = (filterstr or "").strip() or "(objectClass=*)"
    return filterstr if filterstr.startswith("(") else f"({filterstr})"


_TLS_LEVELS = {
    "demand": ldap.OPT_X_TLS_DEMAND,
    "hard": ldap.OPT_X_TLS_HARD,
    "allow": ldap.OPT_X_TLS_ALLOW,
    "try": ldap.OPT_X_TLS_TRY,
    "never": ldap.OPT_X_TLS_NEVER,
}


def _describe(exc):
    """A readable sentence from an ``ldap.LDAPError``."""
    info = exc.args[0] if exc.args and isinstance(exc.args[0], dict) else {}
    parts = [info.get("desc") or type(exc).__name__]
    if info.get("info"):
        parts.append(str(info["info"]))
    return ": ".join(parts)


def open_connection(config, *, chase_referrals=False):
    """An LDAP connection to ``config.uri``, not bound yet: the one builder of
    the addon's connections (the SIMPEG client here, auth_ldap's ``_connect``
    of ``res.company.ldap``). LDAP v3, network and operation time-outs of
    ``config.timeout`` (a wait interrupted by a signal goes on), with
    ldaps:// or STARTTLS the certificate checked as
    ``config.tls_require_cert`` says against ``config.ca_file`` (or the
    system CAs), STARTTLS run before anything is sent. Referrals are not
    chased unless ``chase_referrals`` (auth_ldap chases them unless its
    ``auth_ldap.disable_chase_ref`` is set). Raises ``ldap.LDAPError``."""
    conn = ldap.initialize(config.uri)
    try:
        conn.set_option(ldap.OPT_PROTOCOL_VERSION, ldap.VERSION3)
        if not chase_referrals:
            conn.set_option(ldap.OPT_REFERRALS, 0)
        conn.set_option(ldap.OPT_NETWORK_TIMEOUT, float(config.timeout))
        conn.set_option(ldap.OPT_TIMEOUT, float(config.timeout))
        # a signal while libldap waits (SIGCHLD in Odoo's threaded server
        # whenever a child process ends) would otherwise end the wait with
        # "Can't contact LDAP server"
        conn.set_option(ldap.OPT_RESTART, ldap.OPT_ON)
        if config.encrypted:
            conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, _TLS_LEVELS[config.tls_require_cert])
            if config.ca_file:
                conn.set_option(ldap.OPT_X_TLS_CACERTFILE, str(config.ca_file))
            # applies the TLS options above; must come after them
            conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
        if config.starttls and not config.is_ldaps:
            conn.start_tls_s()
    except ldap.LDAPError:
        _unbind_quietly(conn)
        raise
    return conn


def connect(config, bind_dn=None, password=None):
    """Open a connection to ``config.uri`` (:func:`open_connection`) and bind.

    Binds as ``bind_dn``/``password`` when given, else as the service account
    of the configuration (anonymously if it has none). STARTTLS is run before
    any credential is sent. Raises :class:`DirectoryError` on any failure,
    ``ldap.INVALID_CREDENTIALS`` included (callers that check a user's
    password use :func:`authenticate`)."""
    try:
        conn = open_connection(config)
    except ldap.LDAPError as exc:
        raise DirectoryError(f"cannot connect to {config.uri}: {_describe(exc)}", exc) from exc
    try:
        if bind_dn is None:
            bind_dn, password = config.bind_dn, config.bind_password
        conn.simple_bind_s(bind_dn or "", password or "")
    except ldap.LDAPError as exc:
        _unbind_quietly(conn)
        raise DirectoryError(f"cannot connect to {config.uri}: {_describe(exc)}", exc) from exc
    return conn


def _unbind_quietly(conn):
    try:
        conn.unbind_s()
    except ldap.LDAPError:  # pylint: disable=except-pass  # closing a connection already failed
        pass


def generalized_time(moment):
    """``YYYYmmddHHMMSSZ`` (UTC) of a datetime (naive means UTC) or of a
    string already in that form."""
    if isinstance(moment, str):
        if not _GENERALIZED_TIME.match(moment):
            raise ValueError(f"not a generalized time (YYYYmmddHHMMSSZ): {moment!r}")
        return moment
    if isinstance(moment, datetime.date) and not isinstance(moment, datetime.datetime):
        moment = datetime.datetime.combine(moment, datetime.time())
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return moment.strftime("%Y%m%d%H%M%SZ")


def parse_generalized_time(value):
    """A UTC-aware datetime from ``YYYYmmddHHMMSS[.fff]Z`` (bytes or str)."""
    if isinstance(value, bytes):
        value = value.decode("ascii")
    moment = datetime.datetime.strptime(value[:14], "%Y%m%d%H%M%S")
    return moment.replace(tzinfo=datetime.timezone.utc)


def incremental_filter(filterstr, modified_since):
    """``(&<filter>(modifyTimestamp>=YYYYmmddHHMMSSZ))``."""
    stamp = escape_filter_chars(generalized_time(modified_since))
    return f"(&{wrap_filter(filterstr)}(modifyTimestamp>={stamp}))"


@dataclasses.dataclass
class SearchStats:
    """Filled by :func:`iter_entries` while it runs."""

    pages: int = 0
    entries: int = 0
    references: int = 0
    complete: bool = False


def iter_entries(
    conn,
    base,
    filterstr=DEFAULT_FILTER,
    attrs=None,
    page_size=DEFAULT_PAGE_SIZE,
    modified_since=None,
    *,
    scope=ldap.SCOPE_SUBTREE,
    timeout=None,
    stats=None,
):
    """Yield ``(dn, attrs)`` for every entry under ``base`` matching
    ``filterstr``, one page of ``page_size`` entries at a time.

    ``attrs`` maps attribute names to lists of ``bytes`` values, as
    python-ldap returns them. With ``modified_since`` (datetime or
    ``YYYYmmddHHMMSSZ``) only entries whose ``modifyTimestamp`` is at or
    after it are returned. Only one page is held in memory. Search
    references (referrals) are skipped and counted in ``stats``. Each page
    must arrive within ``timeout`` seconds (default: the connection's
    ``OPT_TIMEOUT``, which :func:`connect` sets to ``config.timeout``).

    Raises :class:`DirectoryError` whenever the search cannot be carried
    to its end (server gone, time-out, size limit of the bind account, paged
    results refused...): entries already yielded are then only part of the
    directory. ``stats.complete`` is set once the last page was read."""
    if modified_since is not None:
        filterstr = incremental_filter(filterstr, modified_since)
    else:
        filterstr = wrap_filter(filterstr)
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    stats = stats if stats is not None else SearchStats()
    if timeout is None:  # the connection's own (connect() sets config.timeout)
        timeout = conn.get_option(ldap.OPT_TIMEOUT) or -1
    timeout = float(timeout) if timeout and timeout > 0 else -1
    attrlist = list(attrs) if attrs else None
    cookie = b""
    try:
        while True:
            control = SimplePagedResultsControl(True, size=page_size, cookie=cookie)
            try:
                msgid = conn.search_ext(base, scope, filterstr, attrlist, serverctrls=[control])
                _rtype, page, _msgid, controls = conn.result3(msgid, timeout=timeout)
            except ldap.LDAPError as exc:
                raise DirectoryError(
                    f"search of {base} stopped after {stats.entries} entries "
                    f"({stats.pages} pages): {_describe(exc)}",
                    exc,
                ) from exc
            stats.pages += 1
            # the cookie of the next page, read first so that a caller who
            # stops in the middle of this page can still abandon the search
            cookie = None
            for ctrl in controls or ():
                if ctrl.controlType == SimplePagedResultsControl.controlType:
                    cookie = ctrl.cookie or b""
                    break
            if cookie is None:
                cookie = b""
                raise DirectoryError(
                    f"the directory ignored the paged results control on {base}; "
                    "the result may be truncated"
                )
            for dn, entry in page:
                if dn is None:  # search reference
                    stats.references += 1
                    continue
                stats.entries += 1
                yield dn, entry
            del page
            if not cookie:
                stats.complete = True
                return
    except GeneratorExit:
        # the caller stopped early: free the server's state of the search
        if cookie:
            _abandon_paged_search(conn, base, scope, filterstr, attrlist, cookie)
        raise


def _abandon_paged_search(conn, base, scope, filterstr, attrlist, cookie):
    """Tell the server to free the state of a paged search left unfinished
    (RFC 2696: a request with size 0 and the last cookie)."""
    try:
        control = SimplePagedResultsControl(True, size=0, cookie=cookie)
        msgid = conn.search_ext(base, scope, filterstr, attrlist, serverctrls=[control])
        conn.result3(msgid, timeout=5)
    except ldap.LDAPError:  # pylint: disable=except-pass  # courtesy to the server, best effort
        pass


def find_login(conn, base, filter_template, login, attrs=None, *, timeout=None):
    """``(dn, attrs)`` of the single entry of ``login``, or ``None``.

    ``filter_template`` has one ``%s`` for the login, which is escaped (a
    login such as ``*)(uid=*`` matches nothing). Two entries for one login
    is a directory problem, not a choice to make here: DirectoryError."""
    login = (login or "").strip()
    if not login:
        return None
    filterstr = filter_format(filter_template, [login])
    try:
        results = conn.search_ext_s(
            base,
            ldap.SCOPE_SUBTREE,
            filterstr,
            attrs,
            timeout=-1 if timeout is None else float(timeout),
            sizelimit=2,
        )
    except ldap.SIZELIMIT_EXCEEDED as exc:
        raise DirectoryError(f"several directory entries for the login {login!r}", exc) from exc
    except ldap.LDAPError as exc:
        raise DirectoryError(f"cannot look up the login {login!r}: {_describe(exc)}", exc) from exc
    entries = [(dn, entry) for dn, entry in results if dn is not None]
    if len(entries) > 1:
        raise DirectoryError(f"several directory entries for the login {login!r}")
    return entries[0] if entries else None


def authenticate(config, login, password, attrs=None):
    """Check ``login``/``password`` against the directory.

    Returns ``(dn, attrs)`` of the user's entry (as read by the service
    account) when the password is right, ``None`` when the login is unknown
    or the password wrong or empty (an empty password would be an
    unauthenticated bind, which LDAP servers accept: RFC 4513 5.1.2).
    Raises :class:`DirectoryError` when the directory cannot answer."""
    if not password or not (login or "").strip():
        return None
    conn = connect(config)
    try:
        found = find_login(
            conn, config.base, config.login_filter_template(), login, attrs, timeout=config.timeout
        )
    finally:
        _unbind_quietly(conn)
    if found is None:
        return None
    dn = found[0]
    try:
        user_conn = connect(config, bind_dn=dn, password=password)
    except DirectoryError as exc:
        if isinstance(exc.cause, ldap.INVALID_CREDENTIALS):
            return None
        raise
    _unbind_quietly(user_conn)
    return found
