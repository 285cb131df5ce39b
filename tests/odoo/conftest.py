"""Lets the Odoo tests of this folder import their shared base classes
(``ekonsultasi_common``, ``fault_odoo``), and gives the fault tests their
private PostgreSQL cluster and databases. Imports nothing from Odoo at
import time (the fixtures read Odoo's configuration when they run)."""

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)


# --------------------------------------------------------------------------
# Fault tests (issue 12): Odoo in processes of its own, on a cluster of its own
# --------------------------------------------------------------------------
import itertools

import pytest

_fault_names = itertools.count(1)


@pytest.fixture(scope="session")
def fault_cluster():
    """A private PostgreSQL cluster holding a committed copy of the test
    database with the shared data (tests/odoo/fault_odoo.py)."""
    from fault_odoo import make_cluster

    from odoo.tools import config

    cluster, ids = make_cluster(config, config["db_name"].split(",")[0])
    cluster.ids = ids
    yield cluster
    cluster.close()


@pytest.fixture
def fault_db(fault_cluster):
    """A database of its own (copy of the template, with its filestore),
    dropped after the test."""
    db = fault_cluster.new_db(f"faults_{next(_fault_names)}", fault_cluster.addons_path)
    db.data = dict(fault_cluster.ids)
    yield db
    db.drop()
