"""SIMPEG LDAP client (ekonsultasi_lib.simpeg_ldap) against a real slapd."""

import datetime
import signal
import threading
import time

import pytest
import slapd

ldap = pytest.importorskip("ldap", reason="python-ldap is not installed")

from ekonsultasi_lib import simpeg_ldap
from ekonsultasi_lib.simpeg_ldap import DirectoryError, SearchStats


def _people_dns(directory):
    return {ldap.dn.dn2str(ldap.dn.str2dn(p.dn)).lower() for p in directory.people}


def _norm(dn):
    return ldap.dn.dn2str(ldap.dn.str2dn(dn)).lower()


# --------------------------------------------------------------------------
# configuration and filters
# --------------------------------------------------------------------------
def test_config_rejects_other_schemes():
    with pytest.raises(ValueError):
        simpeg_ldap.SimpegLdapConfig(uri="http://127.0.0.1", base="dc=x")
    with pytest.raises(ValueError):
        simpeg_ldap.SimpegLdapConfig(uri="ldap://h", base="dc=x", page_size=0)
    config = simpeg_ldap.SimpegLdapConfig(uri="LDAPS://h", base="dc=x")
    assert config.is_ldaps and config.encrypted


def test_login_filter_template_keeps_percent_of_the_base_filter():
    config = simpeg_ldap.SimpegLdapConfig(
        uri="ldap://h", base="dc=x", filter="(&(objectClass=inetOrgPerson)(o=100%))"
    )
    template = config.login_filter_template()
    assert template == "(&(&(objectClass=inetOrgPerson)(o=100%%))(uid=%s))"
    assert ldap.filter.filter_format(template, ["a*b"]) == (
        "(&(&(objectClass=inetOrgPerson)(o=100%))(uid=a\\2ab))"
    )
    custom = simpeg_ldap.SimpegLdapConfig(uri="ldap://h", base="dc=x", login_filter="(|(uid=%s))")
    assert custom.login_filter_template() == "(|(uid=%s))"


def test_incremental_filter():
    since = datetime.datetime(
        2025, 3, 4, 12, 30, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=7))
    )  # WIB
    assert simpeg_ldap.incremental_filter("objectClass=inetOrgPerson", since) == (
        "(&(objectClass=inetOrgPerson)(modifyTimestamp>=20250304053005Z))"
    )
    assert simpeg_ldap.incremental_filter("(uid=*)", "20250101000000Z") == (
        "(&(uid=*)(modifyTimestamp>=20250101000000Z))"
    )
    with pytest.raises(ValueError):
        simpeg_ldap.incremental_filter("(uid=*)", "2025)(uid=*")


# --------------------------------------------------------------------------
# connections
# --------------------------------------------------------------------------
def _whoami(conn):
    try:
        return conn.whoami_s()
    finally:
        conn.unbind_s()


def test_plain_connect_binds_as_service_account(simpeg_directory):
    conn = simpeg_ldap.connect(simpeg_directory.config)
    assert _whoami(conn) == f"dn:{simpeg_directory.server.sync_dn}"


def test_starttls_with_the_generated_ca(tls_directory):
    config = tls_directory.config_for(starttls=True)
    assert config.ca_file
    conn = simpeg_ldap.connect(config)
    assert conn.get_option(ldap.OPT_X_TLS_VERSION)  # e.g. "TLSv1.3": the link is encrypted
    assert _whoami(conn) == f"dn:{tls_directory.server.sync_dn}"


def test_ldaps_with_the_generated_ca(tls_directory):
    config = tls_directory.config_for(uri=tls_directory.server.ldaps_uri)
    conn = simpeg_ldap.connect(config)
    assert conn.get_option(ldap.OPT_X_TLS_VERSION)
    assert _whoami(conn) == f"dn:{tls_directory.server.sync_dn}"


@pytest.mark.parametrize("mode", ["starttls", "ldaps"])
def test_tls_refuses_a_certificate_of_an_unknown_ca(tls_directory, tmp_path, mode):
    other_ca, _cert, _key = slapd.make_certificates(tmp_path)
    changes = {"ca_file": str(other_ca)}
    if mode == "starttls":
        changes["starttls"] = True
    else:
        changes["uri"] = tls_directory.server.ldaps_uri
    with pytest.raises(DirectoryError, match="cannot connect"):
        simpeg_ldap.connect(tls_directory.config_for(**changes))


def test_open_connection_chases_referrals_only_when_asked():
    """The one connection builder (auth_ldap's _connect uses it too): nothing
    is sent before a bind, referrals are not chased unless asked."""
    config = simpeg_ldap.SimpegLdapConfig(uri="ldap://127.0.0.1:9", base="dc=x", timeout=3)
    conn = simpeg_ldap.open_connection(config)
    assert conn.get_option(ldap.OPT_REFERRALS) == 0
    assert conn.get_option(ldap.OPT_NETWORK_TIMEOUT) == 3
    assert conn.get_option(ldap.OPT_TIMEOUT) == 3
    conn = simpeg_ldap.open_connection(config, chase_referrals=True)
    assert conn.get_option(ldap.OPT_REFERRALS) != 0  # libldap says -1: on


def test_wrong_service_password_is_a_directory_error(simpeg_directory):
    with pytest.raises(DirectoryError) as info:
        simpeg_ldap.connect(simpeg_directory.config_for(bind_password="wrong"))
    assert isinstance(info.value.cause, ldap.INVALID_CREDENTIALS)


def test_unreachable_directory_fails_fast():
    config = simpeg_ldap.SimpegLdapConfig(
        uri=f"ldap://127.0.0.1:{slapd.free_port()}", base="dc=x", timeout=2
    )
    started = time.monotonic()
    with pytest.raises(DirectoryError):
        simpeg_ldap.connect(config)
    assert time.monotonic() - started < 5


# --------------------------------------------------------------------------
# paged iteration
# --------------------------------------------------------------------------
def test_paged_iteration_returns_every_entry(simpeg_directory):
    config = simpeg_directory.config
    conn = simpeg_ldap.connect(config)
    stats = SearchStats()
    entries = list(
        simpeg_ldap.iter_entries(
            conn, config.base, config.filter, ["uid", "cn"], page_size=7, stats=stats
        )
    )
    conn.unbind_s()
    assert len(entries) == len(simpeg_directory.people) == 60
    assert {_norm(dn) for dn, _attrs in entries} == _people_dns(simpeg_directory)
    assert stats.pages == 9 and stats.complete  # 8 full pages of 7, then 4
    assert all(set(attrs) <= {"uid", "cn"} for _dn, attrs in entries)


def test_iteration_with_one_page(simpeg_directory):
    config = simpeg_directory.config
    conn = simpeg_ldap.connect(config)
    stats = SearchStats()
    count = sum(
        1
        for _ in simpeg_ldap.iter_entries(
            conn, config.base, config.filter, ["uid"], page_size=1000, stats=stats
        )
    )
    assert (count, stats.pages) == (60, 1)


def test_iteration_stopped_early_leaves_the_connection_usable(simpeg_directory):
    config = simpeg_directory.config
    server = simpeg_directory.server
    conn = simpeg_ldap.connect(config)
    iterator = simpeg_ldap.iter_entries(conn, config.base, config.filter, ["uid"], 5)
    first = [next(iterator) for _ in range(3)]
    offset = server.log_offset()
    iterator.close()  # abandons the paged search on the server
    assert len(first) == 3
    # slapd logs the abandon after answering it: wait for the line
    server.wait_for_log("search abandoned by pagedResult size=0", since=offset)
    again = list(simpeg_ldap.iter_entries(conn, config.base, config.filter, ["uid"], 50))
    assert len(again) == 60


def test_size_limit_of_the_bind_account_is_an_incomplete_pass(make_directory):
    """slapd's default size limit (500) also caps paged searches: an account
    without ``limits ... size=unlimited`` cannot read a bigger directory and
    the pass must fail, not silently end after 500 entries."""
    directory = make_directory(520, page_size=100)
    person = directory.by_key()["pelaksana"]
    conn = simpeg_ldap.connect(directory.config, bind_dn=person.dn, password=person.password)
    stats = SearchStats()
    seen = []
    with pytest.raises(DirectoryError, match="Size limit exceeded"):
        for entry in simpeg_ldap.iter_entries(
            conn, directory.config.base, directory.config.filter, ["uid"], 100, stats=stats
        ):
            seen.append(entry)  # noqa: PERF402 (list() would lose them when it raises)
    assert len(seen) == 500 and not stats.complete
    # the sync account has no limit
    sync = simpeg_ldap.connect(directory.config)
    assert (
        sum(
            1
            for _ in simpeg_ldap.iter_entries(
                sync, directory.config.base, directory.config.filter, ["uid"], 100
            )
        )
        == 520
    )


def test_directory_killed_mid_iteration_raises(make_directory):
    directory = make_directory(40)
    config = directory.config
    conn = simpeg_ldap.connect(config)
    stats = SearchStats()
    seen = 0
    with pytest.raises(DirectoryError, match="stopped after 10 entries"):
        for _entry in simpeg_ldap.iter_entries(
            conn, config.base, config.filter, ["uid"], 5, stats=stats
        ):
            seen += 1
            if seen == 8:
                directory.server.kill()
    assert seen == 10  # the two pages already received, then the failure
    assert not stats.complete


def test_directory_hanging_mid_iteration_times_out(make_directory):
    directory = make_directory(40)
    config = directory.config_for(timeout=1)
    conn = simpeg_ldap.connect(config)
    stats = SearchStats()
    seen = 0
    started = time.monotonic()
    with pytest.raises(DirectoryError, match="stopped after 5 entries"):
        for _entry in simpeg_ldap.iter_entries(
            conn, config.base, config.filter, ["uid"], 5, stats=stats
        ):
            seen += 1
            if seen == 1:
                directory.server.pause()
                started = time.monotonic()
    assert time.monotonic() - started < 4
    assert not stats.complete
    directory.server.resume()


def test_a_signal_while_waiting_is_not_a_lost_server(make_directory):
    """A signal that interrupts the wait for a page (in Odoo's threaded
    server, SIGCHLD whenever a child such as wkhtmltopdf ends) must not pass
    for a server gone: libldap waits again (``OPT_RESTART``)."""
    directory = make_directory(12)
    config = directory.config_for(timeout=20)
    conn = simpeg_ldap.connect(config)
    waiting = threading.get_ident()
    interrupted = threading.Event()

    def interrupt_then_resume():
        # the search below is waiting on the frozen server by now
        time.sleep(0.5)
        signal.pthread_kill(waiting, signal.SIGUSR1)
        time.sleep(0.5)
        directory.server.resume()

    previous = signal.signal(signal.SIGUSR1, lambda *_args: interrupted.set())
    directory.server.pause()
    helper = threading.Thread(target=interrupt_then_resume)
    helper.start()
    try:
        found = list(simpeg_ldap.iter_entries(conn, config.base, config.filter, ["uid"], 5))
    finally:
        helper.join()
        signal.signal(signal.SIGUSR1, previous)
        directory.server.resume()
    assert interrupted.is_set()
    assert len(found) == 12


def _max_modify_timestamp(conn, config):
    stamps = [
        attrs["modifyTimestamp"][0].decode()
        for _dn, attrs in simpeg_ldap.iter_entries(
            conn, config.base, config.filter, ["modifyTimestamp"], 100
        )
    ]
    return max(stamps)


def test_incremental_search_returns_only_modified_entries(make_directory):
    directory = make_directory(25)
    config = directory.config
    conn = simpeg_ldap.connect(config)
    loaded = simpeg_ldap.parse_generalized_time(_max_modify_timestamp(conn, config))
    since = loaded + datetime.timedelta(seconds=1)
    # nothing modified after the load yet
    assert (
        list(
            simpeg_ldap.iter_entries(
                conn, config.base, config.filter, ["uid"], 7, modified_since=since
            )
        )
        == []
    )
    slapd.wait_for_next_second(loaded)  # modifyTimestamp counts whole seconds
    target = directory.by_key()["ahli_muda"]
    directory.server.modify_ldif(
        f"dn: {target.dn}\nchangetype: modify\nreplace: title\n"
        "title: Pranata Komputer Ahli Madya\n-\nreplace: simpegJenjang\nsimpegJenjang: MA\n"
    )
    found = list(
        simpeg_ldap.iter_entries(
            conn, config.base, config.filter, ["uid", "title"], 7, modified_since=since
        )
    )
    assert [(dn, attrs["title"]) for dn, attrs in found] == [
        (target.dn, [b"Pranata Komputer Ahli Madya"])
    ]
    # the same with a naive datetime (UTC) and with a string
    naive = since.replace(tzinfo=None)
    assert (
        len(
            list(
                simpeg_ldap.iter_entries(
                    conn, config.base, config.filter, ["uid"], 7, modified_since=naive
                )
            )
        )
        == 1
    )
    assert (
        len(
            list(
                simpeg_ldap.iter_entries(
                    conn,
                    config.base,
                    config.filter,
                    ["uid"],
                    7,
                    modified_since=simpeg_ldap.generalized_time(
                        loaded - datetime.timedelta(days=1)
                    ),
                )
            )
        )
        == 25
    )


# --------------------------------------------------------------------------
# login
# --------------------------------------------------------------------------
def test_authenticate_good_password(simpeg_directory, people_by_key):
    person = people_by_key["administrator"]
    found = simpeg_ldap.authenticate(simpeg_directory.config, person.login, person.password)
    assert found is not None
    dn, attrs = found
    assert _norm(dn) == _norm(person.dn)
    assert attrs["displayName"] == [b"Drs. H. Syafrizal Chaniago, M.Si."]
    assert "userPassword" not in attrs


def test_authenticate_over_starttls(tls_directory, people_by_key):
    person = people_by_key["ahli_madya"]
    config = tls_directory.config_for(starttls=True)
    assert simpeg_ldap.authenticate(config, person.login, person.password) is not None


@pytest.mark.parametrize("password", ["wrong", "", None, "Sandi-"])
def test_authenticate_refuses_bad_or_empty_password(simpeg_directory, people_by_key, password):
    person = people_by_key["administrator"]
    assert simpeg_ldap.authenticate(simpeg_directory.config, person.login, password) is None


def test_authenticate_unknown_login(simpeg_directory):
    assert (
        simpeg_ldap.authenticate(simpeg_directory.config, "199901012020011999", "whatever") is None
    )
    assert simpeg_ldap.authenticate(simpeg_directory.config, "  ", "whatever") is None


@pytest.mark.parametrize(
    "login",
    [
        "*",
        "*)(uid=*",
        "*)(|(uid=*",
        "197805122003121002)(uid=*",
        "\\2a",
        "1978*",
        "*)(objectClass=*))(|(uid=*",
    ],
)
def test_filter_injection_through_login_matches_nothing(simpeg_directory, people_by_key, login):
    config = simpeg_directory.config
    conn = simpeg_ldap.connect(config)
    try:
        assert (
            simpeg_ldap.find_login(conn, config.base, config.login_filter_template(), login) is None
        )
        if login == "*)(uid=*":
            # the same template without escaping would have matched everyone
            raw = config.login_filter_template() % login
            assert len(conn.search_s(config.base, ldap.SCOPE_SUBTREE, raw, ["uid"])) > 1
    finally:
        conn.unbind_s()
    # a password that is right for someone does not help either
    person = people_by_key["administrator"]
    assert simpeg_ldap.authenticate(config, login, person.password) is None


def test_entry_whose_dn_needs_escaping(simpeg_directory, people_by_key):
    person = people_by_key["special_dn"]
    assert "\\," in person.dn and "\\+" in person.dn and '\\"' in person.dn
    found = simpeg_ldap.authenticate(simpeg_directory.config, person.login, person.password)
    assert found is not None
    dn, attrs = found
    rdn = ldap.dn.str2dn(dn)[0]
    assert rdn == [("cn", 'Nurhayati "Ani", Sikumbang + Rekan', 1)]
    assert attrs["cn"] == [b'Nurhayati "Ani", Sikumbang + Rekan']
    assert simpeg_ldap.authenticate(simpeg_directory.config, person.login, "nope") is None


def test_non_ascii_entry_is_read_as_utf8(simpeg_directory, people_by_key):
    person = people_by_key["non_ascii"]
    found = simpeg_ldap.authenticate(simpeg_directory.config, person.login, person.password)
    assert found[1]["displayName"][0].decode("utf-8") == "dr. Désy Ñurul Piliang, M.Kes."


def test_two_entries_with_one_login_is_an_error(make_directory):
    directory = make_directory(16)
    person = directory.by_key()["pelaksana"]
    directory.server.add_ldif(
        f"dn: cn=Duplikat,{directory.server.people_dn}\nobjectClass: inetOrgPerson\n"
        f"cn: Duplikat\nsn: Duplikat\nuid: {person.login}\nuserPassword: x\n"
    )
    with pytest.raises(DirectoryError, match="several directory entries"):
        simpeg_ldap.authenticate(directory.config, person.login, person.password)


def test_authenticate_with_directory_down_raises(make_directory):
    directory = make_directory(16)
    person = directory.by_key()["pelaksana"]
    directory.server.stop()
    with pytest.raises(DirectoryError):
        simpeg_ldap.authenticate(directory.config, person.login, person.password)
