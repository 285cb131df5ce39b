"""Fault: the outgoing mail server down (a real SMTP server, aiosmtpd,
stopped, then started again). The flow is not blocked; the notifications wait
in the queue and each is delivered once when the server is back (issue 12).

Odoo itself marks the mails of a batch as failed when it cannot connect, and
never sends them again (``models/mail_mail.py`` keeps them in the queue)."""

import pytest
from fault_odoo import PortalClient
from fault_smtp import SmtpServer

ANSWER_AND_QUEUE = """
# the receipt and the konsultan's notice: the scheduled action the portal
# triggered (if the server's cron worker did not run it first)
env["helpdesk.ticket"]._cron_ekonsultasi_new_notices()
cr.commit()
ticket = env["helpdesk.ticket"].search([("name", "=", "Surat keputusan mutasi")])
ticket.ensure_one()
konsultan = env["res.users"].browse(data["konsultan_1"])
ticket.with_user(konsultan).message_post(
    body="Jawaban konsultan.", message_type="comment", subtype_xmlid="mail.mt_comment")
cr.commit()   # its notification is sent after the commit, and fails
env["mail.mail"].process_email_queue()
cr.commit()
"""

QUEUE = """
env["mail.mail"].process_email_queue()
cr.commit()
"""

MAILS = """
from odoo import tools
mails = env["mail.mail"].search([])
ticket = env["helpdesk.ticket"].search([("name", "=", "Surat keputusan mutasi")])
receipt = env.ref("ekonsultasi_addon.mail_template_consultation_received")
emit({
    "receipt": receipt._render_field("subject", ticket.ids, compute_lang=True)[ticket.id],
    "states": sorted(mails.mapped("state")),
    "ticket_state": env["helpdesk.ticket"].search(
        [("name", "=", "Surat keputusan mutasi")]).ekonsultasi_state,
    "reasons": sorted(
        set(mails.filtered(lambda m: m.state == "outgoing").mapped("failure_reason"))
    ),
    # what each mail is to deliver: (subject, address), once per recipient
    "deliveries": sorted(
        [m.subject, address]
        for m in mails
        for address in m.recipient_ids.mapped("email") + tools.email_split(m.email_to or "")
    ),
})
"""


@pytest.fixture
def smtp():
    server = SmtpServer()
    yield server
    server.stop()


def test_mail_server_down_notifications_wait_then_go_once(fault_db, smtp):
    # the keep_days of sent mails: kept, to compare them with what arrived
    fault_db.run(
        smtp.odoo_setup()
        + "env['mail.mail'].search([]).unlink()\n"
        + "env['mail.template'].search([]).write({'auto_delete': False})\n"
        + "cr.commit()\n"
    )
    smtp.stop()
    server = fault_db.server()
    try:
        # the konsulti's consultation goes through, receipt and all
        portal = PortalClient(server, "konsulti")
        resp = portal.submit(
            {
                "perangkat_daerah": str(fault_db.data["agency_insp"]),
                "category": str(fault_db.data["topic_tlhp"]),
                "subject": "Surat keputusan mutasi",
                "description": "Bagaimana prosedur mutasi antar perangkat daerah?",
            }
        )
        assert resp.status_code == 303 and "/my/ticket/" in resp.headers["Location"], resp.text
    finally:
        server.stop()
    # the konsultan answers; the queue runs while the server is down
    (down,) = fault_db.run(ANSWER_AND_QUEUE + MAILS)
    assert down["ticket_state"] == "answered", "the answer went through"
    assert down["states"] and set(down["states"]) == {"outgoing"}, down
    assert any("Connection refused" in r or "connect" in r.lower() for r in down["reasons"])
    assert smtp.received() == []

    smtp.start()
    # twice: a second run sends nothing again
    (back,) = fault_db.run(QUEUE + QUEUE + MAILS)
    assert set(back["states"]) == {"sent"}, back
    received = sorted([m["subject"], address] for m in smtp.received() for address in m["to"])
    # each notification queued while the server was down arrived, once
    assert received == down["deliveries"]
    subjects = {subject for subject, _address in received}
    # among them the konsulti's receipt and the answer's notification
    assert down["receipt"] in subjects, (down["receipt"], subjects)
    assert any(s.endswith(" - Surat keputusan mutasi") for s in subjects), subjects
