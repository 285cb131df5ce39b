"""Shared data of the Odoo tests: a small kabupaten with two agencies, their
konsultan teams, topics, konsulti of an agency and of a village, the
Inspektorat and an administrator (built once per class, as OCA
helpdesk_mgmt's tests/common.py does)."""

import datetime as dt
import subprocess
import tempfile

from freezegun import freeze_time

from odoo import Command, http
from odoo.tests import HttpCase, TransactionCase, new_test_user

KONSULTAN = "ekonsultasi_addon.group_ekonsultasi_konsultan"
KONSULTI = "ekonsultasi_addon.group_ekonsultasi_konsulti"
INSPEKTORAT = "ekonsultasi_addon.group_ekonsultasi_inspektorat"
ADMIN = "ekonsultasi_addon.group_ekonsultasi_admin"


def wib(*args):
    """A WIB wall-clock time as the naive UTC datetime Odoo stores."""
    return dt.datetime(*args) - dt.timedelta(hours=7)


def pdf_text(pdf):
    """The text of ``pdf`` in the order of the document, every run of
    whitespace (line and page breaks included) made one space: no assertion
    depends on where a line wraps."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        text = subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", file.name, "-"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=True,
        ).stdout
    return " ".join(text.split())


class EkonsultasiDataMixin:
    @classmethod
    def setup_ekonsultasi_data(cls):
        env = cls.env
        cls.company = env.company
        cls.Ticket = env["helpdesk.ticket"]
        cls.agency_insp = env["ekonsultasi.perangkat.daerah"].create(
            {"name": "Inspektorat Daerah", "short_name": "INSP", "code": "T-INSP"}
        )
        cls.agency_bkad = env["ekonsultasi.perangkat.daerah"].create(
            {"name": "Badan Keuangan dan Aset Daerah", "short_name": "BKAD", "code": "T-BKAD"}
        )
        cls.kecamatan = env["ekonsultasi.kecamatan"].create(
            {"name": "Kamang Baru", "code": "T-13.03.04"}
        )
        cls.desa = env["ekonsultasi.desa"].create(
            {"name": "Kamang", "code": "T-13.03.04.2001", "kecamatan_id": cls.kecamatan.id}
        )

        def konsultan(login, name, **profile):
            return new_test_user(
                env,
                login=login,
                name=name,
                groups=f"base.group_user,{KONSULTAN}",
                **profile,
            )

        cls.konsultan_1 = konsultan(
            "konsultan1",
            "Drs. Afrizal, M.Si.",
            jenis_jabatan="administrator",
            nip="197501012000031001",
        )
        cls.konsultan_2 = konsultan(
            "konsultan2",
            "Yusnita, S.E., M.Ak.",
            jenis_jabatan="fungsional",
            jenjang_fungsional="ahli_madya",
            nip="197803152003122002",
        )
        cls.konsultan_bkad = konsultan(
            "konsultanbkad", "Hendri Saputra, S.E.", jenis_jabatan="administrator"
        )
        cls.inspektur = new_test_user(
            env,
            login="inspektur",
            name="Ir. Darius Darwis, M.M.",
            groups=f"base.group_user,{INSPEKTORAT}",
            jenis_jabatan="jpt",
        )
        cls.administrator = new_test_user(
            env,
            login="adminkominfo",
            name="Rahmat Hidayat, S.Kom.",
            groups=f"base.group_user,{ADMIN}",
        )
        cls.konsulti = new_test_user(
            env,
            login="konsulti",
            name="Siti Rahmah, S.Pd.",
            groups=KONSULTI,
            konsulti_origin="perangkat_daerah",
            perangkat_daerah_id=cls.agency_bkad.id,
            nip="199002202015032001",
        )
        cls.konsulti_nagari = new_test_user(
            env,
            login="nagari",
            name="Zulkifli",
            groups=KONSULTI,
            konsulti_origin="desa",
            desa_id=cls.desa.id,
            nik="1303012505850001",
        )
        cls.konsulti_other = new_test_user(
            env, login="konsulti2", name="Budi Santoso", groups=KONSULTI
        )
        cls.team_insp = env["helpdesk.ticket.team"].create(
            {
                "name": "Tim Konsultan Inspektorat",
                "perangkat_daerah_id": cls.agency_insp.id,
                "user_ids": [Command.set((cls.konsultan_1 | cls.konsultan_2).ids)],
            }
        )
        cls.team_bkad = env["helpdesk.ticket.team"].create(
            {
                "name": "Tim Konsultan BKAD",
                "perangkat_daerah_id": cls.agency_bkad.id,
                "user_ids": [Command.set(cls.konsultan_bkad.ids)],
            }
        )
        Category = env["helpdesk.ticket.category"]
        cls.cat_insp = Category.create(
            {
                "name": "Inspektorat",
                "perangkat_daerah_id": cls.agency_insp.id,
                "team_id": cls.team_insp.id,
            }
        )
        cls.topic_tlhp = Category.create(
            {"name": "Tindak lanjut hasil pemeriksaan", "parent_id": cls.cat_insp.id}
        )
        cls.cat_bkad = Category.create(
            {
                "name": "BKAD",
                "perangkat_daerah_id": cls.agency_bkad.id,
                "team_id": cls.team_bkad.id,
            }
        )
        cls.topic_aset = Category.create(
            {"name": "Pengelolaan aset daerah", "parent_id": cls.cat_bkad.id}
        )

    @classmethod
    def setup_working_calendar(cls, years=(2026, 2027)):
        """The calendar *Hari kerja ASN* with the holidays of ``years`` (a
        no-op for the years the database has), and the stages that pause
        the limit (waiting for the konsulti) and resume it."""
        cls.calendar = cls.env.ref("ekonsultasi_addon.resource_calendar_hari_kerja_asn")
        for year in years:  # whatever year the database was made
            cls.calendar.action_import_holidays(year)
        cls.awaiting = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        cls.progress = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        return cls.calendar

    @classmethod
    def consult(cls, partner, category=None, name="Pertanyaan", **values):
        """Create a consultation as the portal does (in sudo)."""
        vals = {
            "name": name,
            "description": "<p>Mohon penjelasan.</p>",
            "partner_id": partner.id,
            "category_id": (category or cls.topic_tlhp).id,
        }
        vals.update(values)
        return cls.env["helpdesk.ticket"].sudo().create(vals)

    @classmethod
    def consult_many(cls, partner, count, category=None, **values):
        """Create ``count`` consultations in one batch."""
        return (
            cls.env["helpdesk.ticket"]
            .sudo()
            .create(
                [
                    {
                        "name": f"Konsultasi {i}",
                        "description": "<p>Mohon penjelasan.</p>",
                        "partner_id": partner.id,
                        "category_id": (category or cls.topic_tlhp).id,
                        **values,
                    }
                    for i in range(count)
                ]
            )
        )

    @staticmethod
    def answer(ticket, user, body="Jawaban konsultan.", **kwargs):
        kwargs.setdefault("message_type", "comment")
        kwargs.setdefault("subtype_xmlid", "mail.mt_comment")
        return ticket.with_user(user).message_post(body=body, **kwargs)

    # stored states depend on "now": flush while the clock is frozen
    @classmethod
    def consult_at(cls, when, partner, category=None, **values):
        """A consultation submitted at ``when`` (naive UTC)."""
        with freeze_time(when):
            ticket = cls.consult(partner, category, **values)
            cls.env.flush_all()
        return ticket

    @classmethod
    def answer_at(cls, ticket, when, user=None):
        """The answer of ``user`` (by default the konsultan) at ``when``."""
        with freeze_time(when):
            message = cls.answer(ticket, user or ticket.user_id)
            cls.env.flush_all()
        return message


class EkonsultasiCase(EkonsultasiDataMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_ekonsultasi_data()


class EkonsultasiHttpCase(EkonsultasiDataMixin, HttpCase):
    """The same data, driven over HTTP as a browser or an RPC client does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_ekonsultasi_data()

    def _post(self, url, data=None, files=None):
        """A form POST with the CSRF token, redirects not followed."""
        data = dict(data or {}, csrf_token=http.Request.csrf_token(self))
        return self.url_open(url, data=data, files=files, allow_redirects=False)

    def submit_consultation(self, files=None, **values):
        """The konsulti's new-consultation form posted (a valid one unless
        ``values`` say otherwise)."""
        data = {
            "perangkat_daerah": str(self.agency_insp.id),
            "category": str(self.topic_tlhp.id),
            "subject": "Tindak lanjut temuan BPK 2025",
            "description": "Bagaimana batas waktu tindak lanjut temuan BPK?",
        }
        data.update(values)
        return self._post("/submitted/ticket", data, files=files)

    def call_kw(self, model, method, args, kwargs=None):
        """What the web client and RPC clients call: /web/dataset/call_kw."""
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )
