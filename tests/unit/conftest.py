"""Fixtures of a real OpenLDAP server (Debian's slapd) for the SIMPEG tests.

The helpers live in tests/ldap/ (slapd.py, simpeg_data.py,
simpeg_directory.py), importable without pytest. Every fixture here skips its
tests with the reason when slapd, the OpenLDAP tools, openssl or python-ldap
are missing (scripts/lib.sh installs slapd and ldap-utils).
"""

import sys
from pathlib import Path

import pytest

LDAP_HELPERS = Path(__file__).resolve().parent.parent / "ldap"
if str(LDAP_HELPERS) not in sys.path:
    sys.path.insert(0, str(LDAP_HELPERS))

SHARED_DIRECTORY_SIZE = 60


def _skip_without_slapd(tls=True):
    try:
        import ldap  # noqa: F401
    except ImportError:
        pytest.skip("python-ldap is not installed (pip install -r requirements.txt)")
    import slapd

    missing = slapd.missing_tools(tls=tls)
    if missing:
        pytest.skip(
            "OpenLDAP test server unavailable, not installed: "
            + ", ".join(missing)
            + " (apt-get install slapd ldap-utils openssl)"
        )


@pytest.fixture(scope="session")
def simpeg_directory():
    """A read-only shared directory: 60 generated people (the fixed cases of
    simpeg_data.CASES first), TLS on (STARTTLS and ldaps) when openssl is
    there. Do not modify it:
    use ``make_directory`` for tests that change entries or stop slapd."""
    _skip_without_slapd(tls=False)
    import slapd
    from simpeg_directory import start_simpeg_directory

    # without openssl only the TLS tests skip (see the ``tls_directory`` fixture)
    tls = not slapd.missing_tools(tls=True)
    directory = start_simpeg_directory(SHARED_DIRECTORY_SIZE, tls=tls, page_size=7)
    yield directory
    directory.close()


@pytest.fixture
def make_directory():
    """Factory of private directories (closed after the test):
    ``make_directory(n, tls=False, people=None)``."""
    _skip_without_slapd(tls=False)
    from simpeg_directory import start_simpeg_directory

    started = []

    def make(n=SHARED_DIRECTORY_SIZE, **kwargs):
        kwargs.setdefault("page_size", 7)
        directory = start_simpeg_directory(n, **kwargs)
        started.append(directory)
        return directory

    yield make
    for directory in started:
        directory.close()


@pytest.fixture(scope="session")
def people_by_key(simpeg_directory):
    return simpeg_directory.by_key()


@pytest.fixture
def tls_directory(simpeg_directory):
    """The shared directory, for the tests that need STARTTLS/ldaps."""
    if not simpeg_directory.server.tls:
        pytest.skip("openssl is not installed: no test certificates for STARTTLS/ldaps")
    return simpeg_directory
