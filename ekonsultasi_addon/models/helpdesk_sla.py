# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools

from ..lib import workdays


class HelpdeskSla(models.Model):
    """An SLA policy of helpdesk_mgmt_sla, counted in hari kerja."""

    _inherit = "helpdesk.sla"

    # translatable: the policy's name is what konsultan and Inspektur read on
    # every consultation ("Dijawab dalam 3 hari kerja")
    name = fields.Char(
        translate=True,
        help="Name of the answer-limit policy, as konsultan and the Inspektur read it.",
    )
    days = fields.Integer(
        string="Working days",
        help="The limit in hari kerja (3 under Pasal 11 ayat (5) and 12 ayat (3)).",
    )
    counting_rule = fields.Selection(
        selection=[
            (workdays.END_OF_DAY, "End of the N-th working day"),
            (workdays.WORKING_HOURS, "Working hours"),
        ],
        default=workdays.END_OF_DAY,
        required=True,
        help="End of the N-th working day: received on a working day before "
        "closing time, that day is day 0; received after closing time, on a "
        "weekend or a holiday, day 0 is the next working day; the limit is the "
        "closing time of the N-th working day after day 0.\n"
        "Working hours: N times the calendar's hours per day (plus the hours "
        "below) of working time from receipt.",
    )
    calendar_id = fields.Many2one(
        comodel_name="resource.calendar",
        string="Working calendar",
        help="Office hours, time zone and days off used to count. Empty: the "
        "working hours of the team, else of the company.",
    )
    reminder_days = fields.Float(
        string="Remind (working days before)",
        default=1.0,
        help="The konsultan is reminded this many working days before the limit.",
    )
    escalation_days = fields.Float(
        string="Escalate to the Inspektur (working days after)",
        default=2.0,
        help="When the limit has passed, the head of the perangkat daerah (the "
        "team leader) is notified at once, and the Inspektur this many "
        "working days later if there is still no answer.",
    )

    # ------------------------------------------------------------------
    # The policies of a new consultation, searched once
    # ------------------------------------------------------------------

    @api.model
    @tools.ormcache("key", "self.env.context.get('active_test', True)")
    def _ekonsultasi_policy_ids(self, key, domain):
        """The ids of the policies matching ``domain`` (helpdesk_mgmt_sla's
        ``_get_sla_ticket_domain`` of a consultation: its team, tags and
        category), searched in sudo once per domain (``key``, its text) and
        kept in the registry's cache: every consultation of a topic asks the
        same (a query and 1 ms per create, bench/profile_create.py).

        What the search reads changes only through the policies themselves
        or when a team, tag or category they name is deleted (the rows of
        the many2many relations go with it): all of these clear the cache
        (:meth:`_ekonsultasi_clear_policies`)."""
        return tuple(self.sudo().search(domain).ids)

    @api.model
    def _ekonsultasi_clear_policies(self):
        self.env.registry.clear_cache()

    @api.model_create_multi
    def create(self, vals_list):
        policies = super().create(vals_list)
        self._ekonsultasi_clear_policies()
        return policies

    def write(self, vals):
        result = super().write(vals)
        self._ekonsultasi_clear_policies()
        return result

    def unlink(self):
        result = super().unlink()
        self._ekonsultasi_clear_policies()
        return result
