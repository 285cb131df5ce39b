"""Attack tests over HTTP, door by door: the portal routes of the addon and
of helpdesk_mgmt, and the chatter routes of ``mail`` (``/mail/message/post``,
``/mail/attachment/upload``, ``/mail/message/update_content``), which act in
sudo for the logged-in user. Each test names the hole an outside attack run
found open (issue 9) and says how it failed before the fix."""

from ekonsultasi_common import EkonsultasiHttpCase

from odoo import http
from odoo.tests import new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

PDF = b"%PDF-1.4 lampiran"


class HttpAttackCase(EkonsultasiHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"ekonsultasi_attachment_max_size": 1, "ekonsultasi_attachment_types": "pdf,png"}
        )
        cls.t_own = cls.consult(cls.konsulti.partner_id, cls.topic_tlhp, name="Milik Siti")
        cls.t_other = cls.consult(cls.konsulti_other.partner_id, cls.topic_tlhp, name="Milik Budi")

    def post_message(self, ticket, body="Pesan", **post_data):
        return self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "helpdesk.ticket",
                "thread_id": ticket.id,
                "post_data": {"body": body, "message_type": "comment", **post_data},
            },
        )

    def upload(self, ticket, name, content, **extra):
        return self.url_open(
            "/mail/attachment/upload",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "thread_id": ticket.id,
                "thread_model": "helpdesk.ticket",
                **extra,
            },
            files={"ufile": (name, content, "application/octet-stream")},
        )

    def messages(self, ticket, body):
        return self.env["mail.message"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id), ("body", "ilike", body)]
        )


@tagged("post_install", "-at_install", "ekonsultasi")
class TestChatterDoors(HttpAttackCase):
    @mute_logger("odoo.http")
    def test_inspektur_posts_and_uploads_nothing(self):
        """High 1. Failed before the fix: ``/mail/message/post`` and
        ``/mail/attachment/upload`` accepted the Inspektur's message and file
        (helpdesk_mgmt posts with read access; the routes post in sudo)."""
        self.authenticate("inspektur", "inspektur")
        with self.assertRaises(JsonRpcException):
            self.post_message(self.t_own, body="Catatan Inspektur")
        self.assertFalse(self.messages(self.t_own, "Catatan Inspektur"))
        response = self.upload(self.t_own, "temuan.pdf", PDF)
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.t_own.attachment_ids)

    def test_konsulti_posts_on_his_own(self):
        """The door stays open for the one who should pass it."""
        self.authenticate("konsulti", "konsulti")
        self.post_message(self.t_own, body="Tambahan informasi")
        message = self.messages(self.t_own, "Tambahan informasi")
        self.assertEqual(message.author_id, self.konsulti.partner_id)

    @mute_logger("odoo.http")
    def test_konsulti_posts_nowhere_else_and_in_no_other_name(self):
        self.authenticate("konsulti", "konsulti")
        with self.assertRaises(JsonRpcException):
            self.post_message(self.t_other, body="Menyusup")
        self.assertFalse(self.messages(self.t_other, "Menyusup"))
        # author_id is not a parameter the route passes on
        self.post_message(self.t_own, body="Nama sendiri", author_id=self.inspektur.partner_id.id)
        self.assertEqual(
            self.messages(self.t_own, "Nama sendiri").author_id, self.konsulti.partner_id
        )

    @mute_logger("odoo.http")
    def test_konsulti_uploads_only_what_is_allowed(self):
        """Medium 5. Failed before the fix: on his own consultation a
        konsulti attached .exe, .html, .svg and a PDF over the size limit
        through ``/mail/attachment/upload``."""
        self.authenticate("konsulti", "konsulti")
        for name, content in (
            ("virus.exe", b"MZ\x90\x00"),
            ("halaman.html", b"<html><script>alert(1)</script></html>"),
            ("gambar.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
            ("besar.pdf", b"%PDF-1.4" + b"0" * (1024 * 1024 + 1)),
        ):
            with self.subTest(name=name):
                response = self.upload(self.t_own, name, content)
                self.assertNotEqual(response.status_code, 200, response.text[:200])
        self.assertFalse(self.t_own.attachment_ids)
        # a pending upload (the composer's) becomes a consultation's file only
        # through message_post: the limits hold there
        response = self.upload(self.t_own, "virus.exe", b"MZ\x90\x00", is_pending="true")
        pending = self.env["ir.attachment"].search([("name", "=", "virus.exe")])
        if response.status_code == 200 and pending:
            with self.assertRaises(JsonRpcException):
                self.post_message(
                    self.t_own,
                    body="Dengan lampiran",
                    attachment_ids=pending.ids,
                    attachment_tokens=pending.mapped("access_token"),
                )
        self.assertFalse(self.t_own.attachment_ids)
        self.assertFalse(self.messages(self.t_own, "Dengan lampiran"))
        response = self.upload(self.t_own, "lhp.pdf", PDF)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.t_own.attachment_ids.mapped("name"), ["lhp.pdf"])

    @mute_logger("odoo.http")
    def test_answer_cannot_be_edited(self):
        """Medium 9. Failed before the fix: ``/mail/message/update_content``
        let the konsultan rewrite his sent answer."""
        konsultan = self.t_own.user_id
        message = self.answer(self.t_own, konsultan, body="Jawaban asli")
        self.authenticate(konsultan.login, konsultan.login)
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/mail/message/update_content",
                {"message_id": message.id, "body": "Jawaban diubah", "attachment_ids": []},
            )
        message.invalidate_recordset()
        self.assertIn("Jawaban asli", message.body)

    @mute_logger("odoo.http")
    def test_no_sharing_by_link(self):
        """Low. Failed before the fix: an ``access_token`` link let an
        anonymous visitor read the consultation and post as the konsulti."""
        self.t_own.sudo().access_token = "token-lama"  # a link sent before the fix
        response = self.url_open(
            f"/my/ticket/{self.t_own.id}?access_token=token-lama", allow_redirects=False
        )
        self.assertIn(response.status_code, (302, 303))
        self.assertNotIn("Milik Siti", response.text)
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "helpdesk.ticket",
                    "thread_id": self.t_own.id,
                    "post_data": {"body": "Tamu", "message_type": "comment"},
                    "token": "token-lama",
                },
            )
        self.assertFalse(self.messages(self.t_own, "Tamu"))
        # the update forgets the links sent before
        self.env["helpdesk.ticket"]._ekonsultasi_clear_access_tokens()
        self.assertFalse(self.t_own.access_token)


@tagged("post_install", "-at_install", "ekonsultasi")
class TestPortalDoors(HttpAttackCase):
    def _answered(self):
        self.answer(self.t_own, self.t_own.user_id)
        self.assertEqual(self.t_own.ekonsultasi_state, "answered")

    def test_inspektur_cannot_close(self):
        """High 1. Failed before the fix: ``POST /ticket/close`` with any
        ``ticket_id`` closed the consultation for the Inspektur (read access
        checked, then closed in sudo), and the konsulti got the e-mail."""
        self._answered()
        mails = self.env["mail.mail"].search_count([])
        self.authenticate("inspektur", "inspektur")
        self._post("/ticket/close", {"ticket_id": self.t_own.id})
        self.assertFalse(self.t_own.closed)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)

    def test_other_konsulti_cannot_close_or_resubmit(self):
        self._answered()
        self.authenticate("konsulti2", "konsulti2")
        self._post("/ticket/close", {"ticket_id": self.t_own.id})
        self._post(f"/my/ticket/{self.t_own.id}/resubmit", {"reason": "Bukan milik saya"})
        self.assertFalse(self.t_own.closed)
        self.assertEqual(self.t_own.round_number, 1)

    def test_owner_closes(self):
        self._answered()
        self.authenticate("konsulti", "konsulti")
        self._post("/ticket/close", {"ticket_id": self.t_own.id})
        self.assertTrue(self.t_own.closed)

    def test_outsider_cannot_consult(self):
        """High 3. Failed before the fix: a self-registered portal user sent
        a consultation that reached the Inspektorat team."""
        new_test_user(
            self.env, login="pendaftar", password="pendaftar123", groups="base.group_portal"
        )
        self.authenticate("pendaftar", "pendaftar123")
        form = self.url_open("/new/ticket", allow_redirects=False)
        self.assertIn(form.status_code, (302, 303))
        self._post(
            "/submitted/ticket",
            {
                "perangkat_daerah": str(self.agency_insp.id),
                "category": str(self.topic_tlhp.id),
                "subject": "Dari luar",
                "description": "Saya bukan ASN",
            },
        )
        self.assertFalse(self.env["helpdesk.ticket"].search([("name", "=", "Dari luar")]))
        listing = self.url_open("/my/tickets", allow_redirects=False)
        self.assertIn(listing.status_code, (302, 303))

    def test_list_survives_hand_made_urls(self):
        """Low. Failed before the fix: ``/my/tickets`` answered 500 on an
        unknown ``sortby``, ``groupby``, ``filterby`` or ``date_begin``."""
        self.authenticate("konsulti", "konsulti")
        for query in (
            "sortby=tidak_ada",
            "groupby=tidak_ada",
            "filterby=tidak_ada",
            "filterby=999999",
            "date_begin=kemarin&date_end=besok",
            "search_in=tidak_ada&search=Milik",
        ):
            with self.subTest(query=query):
                response = self.url_open(f"/my/tickets?{query}")
                self.assertEqual(response.status_code, 200)
                self.assertIn("Milik Siti", response.text)

    def test_error_text_comes_from_the_server_only(self):
        """Low. Failed before the fix: ``/my/ticket/<id>?error=<text>`` showed
        any text put in the URL."""
        self.authenticate("konsulti", "konsulti")
        page = self.url_open(f"/my/ticket/{self.t_own.id}?error=Hubungi+0812+transfer+dana")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("transfer dana", page.text)
        self._answered()
        response = self._post(f"/my/ticket/{self.t_own.id}/resubmit", {"reason": "  "})
        page = self.url_open(response.headers["Location"])
        self.assertIn("ekonsultasi_error", page.text)

    def test_chatter_offers_no_composer_to_the_inspektur(self):
        self.authenticate("inspektur", "inspektur")
        data = self.make_jsonrpc_request(
            "/mail/thread/data",
            {
                "thread_model": "helpdesk.ticket",
                "thread_id": self.t_own.id,
                "request_list": ["followers"],
            },
        )
        thread = next(t for t in data["mail.thread"] if t["id"] == self.t_own.id)
        self.assertFalse(thread["canPostOnReadonly"])
        self.assertFalse(thread["hasWriteAccess"])
