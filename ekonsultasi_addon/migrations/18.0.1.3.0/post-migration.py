# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Databases installed before 18.0.1.3.0 run auto_backup's daily backups at
03:00 UTC, 10.00 WIB, in office hours. Unless an administrator moved them
already (another hour than 03:00 UTC), they run at 03.00 local time from now
on, as on a new database.

The default answer-limit policy was named in English (*Answer within 3 working
days*; the field is not translatable); unless renamed, it reads *Dijawab dalam
3 hari kerja*, as on a new database."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("auto_backup.ir_cron_backup_scheduler_0", raise_if_not_found=False)
    if cron and (cron.nextcall.hour, cron.nextcall.minute) == (3, 0):
        env["db.backup"]._ekonsultasi_schedule_at_night()
    policy = env.ref("ekonsultasi_addon.helpdesk_sla_answer_3_days", raise_if_not_found=False)
    if policy and policy.name == "Answer within 3 working days":
        policy.name = "Dijawab dalam 3 hari kerja"
