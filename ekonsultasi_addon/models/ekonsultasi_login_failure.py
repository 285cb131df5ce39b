# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from odoo import api, fields, models

KINDS = [("login", "Login"), ("address", "Client address")]


class EkonsultasiLoginFailure(models.Model):
    """Failed logins counted for the login cooldown (``res.users._login``),
    per normalised login and per client address. In the database, not in the
    memory of each process as Odoo's own counter: an Odoo with several
    workers or nodes (make serve) counts every attempt once, whichever
    process serves it. Read by system administrators, who may also remove a
    counter to lift a cooldown."""

    _name = "ekonsultasi.login.failure"
    _description = "Failed logins (login cooldown)"
    _log_access = False
    _order = "last_failure desc, id desc"
    _rec_name = "key"

    kind = fields.Selection(
        selection=KINDS,
        required=True,
        readonly=True,
        help="What the failures are counted for: a login (NIP, NIK or user name, "
        "however written) or the address of the client that tried.",
    )
    key = fields.Char(
        string="Login or address",
        required=True,
        readonly=True,
        help="The normalised login, or the client's IP address as the proxy gave it.",
    )
    count = fields.Integer(
        string="Failures",
        readonly=True,
        help="Failed logins since the last successful one.",
    )
    last_failure = fields.Datetime(
        readonly=True,
        help="When the last failure happened; the cooldown runs from it.",
    )

    _sql_constraints = [
        ("source_unique", "UNIQUE(kind, key)", "There is one counter per login and per address."),
    ]

    @api.model
    def _ekonsultasi_counts(self, sources):
        """``{(kind, key): (count, last_failure)}`` of these sources."""
        if not sources:
            return {}
        self.env.cr.execute(
            "SELECT kind, key, count, last_failure FROM ekonsultasi_login_failure"
            " WHERE (kind, key) IN %s",
            (tuple(sources),),
        )
        return {(kind, key): (count, last) for kind, key, count, last in self.env.cr.fetchall()}

    @api.model
    def _ekonsultasi_add(self, sources, when):
        """One more failure of each source, at ``when`` (in one statement:
        two workers counting at once both count)."""
        for kind, key in sources:
            self.env.cr.execute(
                "INSERT INTO ekonsultasi_login_failure (kind, key, count, last_failure)"
                " VALUES (%s, %s, 1, %s)"
                " ON CONFLICT (kind, key) DO UPDATE"
                " SET count = ekonsultasi_login_failure.count + 1,"
                " last_failure = EXCLUDED.last_failure",
                (kind, key, when),
            )

    @api.model
    def _ekonsultasi_forget(self, sources):
        if sources:
            self.env.cr.execute(
                "DELETE FROM ekonsultasi_login_failure WHERE (kind, key) IN %s",
                (tuple(sources),),
            )

    @api.autovacuum
    def _gc_login_failures(self):
        """Counters untouched for a day are forgotten (a cooldown lasts
        minutes: base.login_cooldown_duration)."""
        self.env.cr.execute(
            "DELETE FROM ekonsultasi_login_failure WHERE last_failure < %s",
            (datetime.datetime.now() - datetime.timedelta(days=1),),
        )
