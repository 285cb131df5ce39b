# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Databases installed before 18.0.1.2.0 (issue 10, one state per SLA line):
a round's SLA line kept its own ``sla_state`` and ``pause_start`` beside
helpdesk_mgmt_sla's ``state``. Their facts move into ``state`` and
``last_state_date``; a pause under way when the konsultan answered ends with
the answer (its working time is added to ``paused_seconds``, as the flow now
does); then the old columns go."""

from odoo import SUPERUSER_ID, api

from odoo.addons.ekonsultasi_addon.lib import outcome, workdays

OLD_TO_NEW = {
    "on_time": outcome.LINE_ON_TIME,
    "at_risk": outcome.AT_RISK,
    "late": outcome.LINE_LATE,
    "met": outcome.MET,
    "met_late": outcome.MET_LATE,
    "paused": outcome.PAUSED,
}


def _columns(cr):
    cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = 'helpdesk_ticket_sla'"
    )
    return {row[0] for row in cr.fetchall()}


def migrate(cr, version):
    if not version or not {"sla_state", "pause_start"} <= _columns(cr):
        return
    for old, new in OLD_TO_NEW.items():
        cr.execute(
            "UPDATE helpdesk_ticket_sla SET state = %s"
            " WHERE round_id IS NOT NULL AND sla_state = %s",
            (new, old),
        )
    # a pause under way: it began at the last change of state
    cr.execute(
        "UPDATE helpdesk_ticket_sla SET last_state_date = pause_start"
        " WHERE round_id IS NOT NULL AND pause_start IS NOT NULL AND answer_date IS NULL"
    )
    # answered during a pause: the pause ended with the answer
    cr.execute(
        "SELECT id, pause_start FROM helpdesk_ticket_sla"
        " WHERE round_id IS NOT NULL AND pause_start IS NOT NULL"
        " AND answer_date IS NOT NULL AND pause_start < answer_date"
    )
    paused_at = dict(cr.fetchall())
    env = api.Environment(cr, SUPERUSER_ID, {})
    for line in env["helpdesk.ticket.sla"].browse(paused_at):
        start = paused_at[line.id]
        work = line._ekonsultasi_calendar()._ekonsultasi_work_calendar_around(
            [line.received_date or start, start, line.answer_date]
        )
        spent = work.working_seconds(
            workdays.to_epoch([start]), workdays.to_epoch([line.answer_date])
        )[0]
        cr.execute(
            "UPDATE helpdesk_ticket_sla SET paused_seconds = COALESCE(paused_seconds, 0) + %s"
            " WHERE id = %s",
            (max(float(spent), 0.0), line.id),
        )
    cr.execute(
        "UPDATE helpdesk_ticket_sla SET last_state_date = answer_date"
        " WHERE round_id IS NOT NULL AND answer_date IS NOT NULL"
    )
    cr.execute(
        "UPDATE helpdesk_ticket t SET sla_state = l.state"
        " FROM helpdesk_ticket_sla l WHERE l.id = t.sla_line_id"
    )
    cr.execute("ALTER TABLE helpdesk_ticket_sla DROP COLUMN sla_state, DROP COLUMN pause_start")
    env.invalidate_all()
    # the answer times of the rounds answered during a pause
    rounds = env["helpdesk.ticket.sla"].browse(paused_at).round_id
    env.add_to_compute(rounds._fields["answer_work_days"], rounds)
    rounds.modified(["answer_work_days"])
    env.flush_all()
