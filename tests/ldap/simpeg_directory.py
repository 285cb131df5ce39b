"""A running SIMPEG test directory in one call (tests and benchmarks).

::

    directory = start_simpeg_directory(10_000, tls=False)
    directory.config        # SimpegLdapConfig of the read-only sync account
    directory.people        # the generated Person objects (simpeg_data)
    directory.server        # the Slapd (stop(), kill(), modify_ldif()...)
    directory.close()

The entries are loaded offline with ``slapadd`` before slapd starts (10,000
entries in a few seconds). The addon's Odoo-free library is loaded as
``ekonsultasi_lib`` (as tests/conftest.py does) so that this module works
from pytest, from a benchmark script and from an Odoo shell alike.
"""

import dataclasses
import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import simpeg_data
from slapd import Slapd

ROOT = HERE.parent.parent
LIB_DIR = ROOT / "ekonsultasi_addon" / "lib"
LIB_NAME = "ekonsultasi_lib"


def load_lib():
    """The ``ekonsultasi_lib`` package (``ekonsultasi_addon/lib``), loaded
    without importing the addon (nor Odoo)."""
    if LIB_NAME in sys.modules:
        return sys.modules[LIB_NAME]
    spec = importlib.util.spec_from_file_location(
        LIB_NAME, LIB_DIR / "__init__.py", submodule_search_locations=[str(LIB_DIR)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[LIB_NAME] = module
    spec.loader.exec_module(module)
    return module


@dataclasses.dataclass
class SimpegDirectory:
    server: Slapd
    people: list
    config: object  # ekonsultasi_lib.simpeg_ldap.SimpegLdapConfig

    def by_key(self):
        return simpeg_data.by_key(self.people)

    def config_for(self, **changes):
        """A copy of the configuration with some fields changed."""
        return dataclasses.replace(self.config, **changes)

    def close(self):
        self.server.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def start_simpeg_directory(
    n, *, seed=20240601, tls=False, people=None, workdir=None, page_size=500
):
    """Start a slapd holding ``n`` generated people (or the given ``people``)
    and return a :class:`SimpegDirectory`; the caller closes it."""
    lib = load_lib()
    from ekonsultasi_lib import simpeg_ldap

    assert lib is not None
    people = simpeg_data.generate(n, seed=seed) if people is None else people
    server = Slapd(tls=tls, workdir=workdir)
    try:
        ldif = server.dir / "people.ldif"
        simpeg_data.write_ldif(ldif, people)
        server.load_ldif(ldif)
        server.start()
    except BaseException:
        server.cleanup()
        raise
    config = simpeg_ldap.SimpegLdapConfig(
        uri=server.uri,
        base=server.people_dn,
        bind_dn=server.sync_dn,
        bind_password=server.sync_password,
        filter="(objectClass=inetOrgPerson)",
        ca_file=str(server.ca_file or ""),
        timeout=10,
        page_size=page_size,
    )
    return SimpegDirectory(server=server, people=people, config=config)
