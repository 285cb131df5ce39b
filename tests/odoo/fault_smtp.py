"""A real SMTP server (aiosmtpd) for the fault tests: it can be stopped and
started again on the same port, and it keeps every message it accepted."""

import email
import email.policy
import logging
import threading

from aiosmtpd.controller import Controller
from fault_odoo import free_port

# one line per SMTP command otherwise
logging.getLogger("mail.log").setLevel(logging.WARNING)


class _Keep:
    def __init__(self, server):
        self.server = server

    async def handle_DATA(self, smtp_server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server.lock:
            self.server.messages.append(
                {
                    "from": envelope.mail_from,
                    "to": sorted(envelope.rcpt_tos),
                    "subject": str(message["Subject"] or ""),
                    "message_id": str(message["Message-Id"] or ""),
                }
            )
        return "250 OK"


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.messages = []
        self.lock = threading.Lock()
        self.controller = None
        self.start()

    @property
    def running(self):
        return self.controller is not None

    def start(self):
        self.controller = Controller(_Keep(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def received(self):
        with self.lock:
            return list(self.messages)

    # the ir.mail_server of the test's Odoo, as code for OdooDb.run
    def odoo_setup(self):
        return (
            "env['ir.mail_server'].search([]).write({'active': False})\n"
            "env['ir.mail_server'].create({'name': 'test SMTP', 'smtp_host': '127.0.0.1',"
            f" 'smtp_port': {self.port}, 'smtp_encryption': 'none', 'sequence': 1}})\n"
            "env['ir.config_parameter'].set_param('mail.catchall.domain', 'example.com')\n"
            "env['ir.config_parameter'].set_param('mail.default.from', 'ekonsultasi')\n"
        )
