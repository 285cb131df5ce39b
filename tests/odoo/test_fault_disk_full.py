"""Fault: the filestore's disk full during an upload (issue 12).

A real full filesystem: the test database's filestore is a small tmpfs
(``mount -t tmpfs``, as root), filled up but for a few kilobytes before the
konsulti sends a consultation with a file larger than that, through the
portal of a running Odoo. He sees a clear Indonesian error and his form;
no consultation is left without its file; no partial file is left; once
there is room again the same form goes through, file and all."""

import hashlib
import os
import shutil
import subprocess

import pytest
from fault_odoo import PortalClient


def _state(db):
    """The consultations of the test and their files, as stored."""
    tickets = db.sql("SELECT id FROM helpdesk_ticket WHERE name = 'Laporan keuangan nagari'")
    files = db.sql(
        "SELECT name, checksum, file_size, store_fname FROM ir_attachment"
        " WHERE res_model = 'helpdesk.ticket'"
    )
    return {"tickets": len(tickets), "files": [list(row) for row in files]}


def _pdf(size):
    body = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    filler = os.urandom(size)  # incompressible, unique to this run
    return body + filler + b"\n%%EOF\n"


@pytest.fixture
def full_filestore(fault_db):
    """The database's filestore on a 4 MB tmpfs of its own."""
    if os.getuid() != 0:
        pytest.skip("mounting a tmpfs needs root: the disk-full test did not run")
    store = fault_db.filestore
    saved = store.with_name(store.name + ".orig")
    store.rename(saved)
    store.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(store)], check=True)
    try:
        shutil.copytree(saved, store, dirs_exist_ok=True)
        yield store
    finally:
        subprocess.run(["umount", str(store)], check=False)
        subprocess.run(["umount", "-l", str(store)], check=False, capture_output=True)


def _fill(store, leave=32 * 1024):
    """Fill the filesystem of ``store`` but for ``leave`` bytes."""
    stat = os.statvfs(store)
    free = stat.f_bavail * stat.f_frsize
    filler = store / "filler"
    with open(filler, "wb") as fp:
        fp.write(b"\0" * max(free - leave, 0))
    return filler


def test_disk_full_upload_refused_whole_then_accepted(fault_db, full_filestore):
    data = fault_db.data
    form = {
        "perangkat_daerah": str(data["agency_insp"]),
        "category": str(data["topic_tlhp"]),
        "subject": "Laporan keuangan nagari",
        "description": "Lampiran: laporan realisasi APB Nagari semester I.",
    }
    pdf = _pdf(400 * 1024)
    checksum = hashlib.sha1(pdf).hexdigest()
    server = fault_db.server()
    try:
        portal = PortalClient(server, "konsulti")
        token = portal.form_token()
        filler = _fill(full_filestore)
        resp = portal.submit(
            form, files={"attachment": ("laporan.pdf", pdf, "application/pdf")}, token=token
        )
        # a clear message in Indonesian, on the form he filled
        assert resp.status_code == 200, resp.status_code
        assert "Berkas tidak dapat disimpan: penyimpanan server penuh" in resp.text
        assert "Laporan keuangan nagari" in resp.text, "the form keeps what he wrote"
        state = _state(fault_db)
        assert state == {"tickets": 0, "files": []}, "no consultation without its file"
        # nothing half-written in the filestore
        leftovers = [
            p
            for p in full_filestore.rglob("*")
            if p.is_file() and (p.name.endswith(".part") or p.name == checksum)
        ]
        assert leftovers == []

        # room again: the same form goes through, file and all
        filler.unlink()
        resp = portal.submit(form, files={"attachment": ("laporan.pdf", pdf, "application/pdf")})
        assert resp.status_code == 303 and "/my/ticket/" in resp.headers["Location"], resp.text
        state = _state(fault_db)
        assert state["tickets"] == 1
        ((name, stored_checksum, size, fname),) = state["files"]
        assert (name, stored_checksum, size) == ("laporan.pdf", checksum, len(pdf))
        assert (full_filestore / fname).read_bytes() == pdf
    finally:
        server.stop()
