# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import time

from odoo import api, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class ResourceCalendarLeaves(models.Model):
    """Adding, moving or removing a day off recomputes the answer limits of
    the open consultations whose counting period it touches, and only those,
    and the answer times (in working days) of the answered rounds it falls in."""

    _inherit = "resource.calendar.leaves"

    # the tables that the recompute reads and writes in bulk, in joins
    # (helpdesk.ticket.sla._ekonsultasi_recompute_for_leaves,
    # helpdesk.ticket.round._ekonsultasi_recompute_answer_times)
    _EKONSULTASI_BULK_TABLES = ("helpdesk_ticket", "helpdesk_ticket_round", "helpdesk_ticket_sla")

    def _ekonsultasi_spans(self):
        return [
            (leave.calendar_id, leave.date_from, leave.date_to)
            for leave in self
            if not leave.resource_id
        ]

    @api.model
    def _ekonsultasi_recompute(self, spans):
        if not spans:
            return
        self.env.flush_all()  # the rows to count are in the tables
        self._ekonsultasi_ensure_statistics(self._EKONSULTASI_BULK_TABLES)
        self.env["helpdesk.ticket.sla"]._ekonsultasi_recompute_for_leaves(spans)
        self.env["helpdesk.ticket.round"]._ekonsultasi_recompute_answer_times(spans)

    @api.model
    def _ekonsultasi_ensure_statistics(self, tables):
        """``ANALYZE`` those of ``tables`` whose planner statistics count less
        than half of their rows; return their names.

        PostgreSQL estimates the rows of a table as ``reltuples / relpages``
        (the density its last VACUUM or ANALYZE counted) times the pages it
        has now. A VACUUM or ANALYZE that runs while a transaction fills a
        nearly empty table does not count that transaction's rows: it stores
        ``reltuples = 0`` with ``relpages > 0``, and until the next one after
        the commit every scan of the table, whatever its size, is estimated
        at one row. This is what made bench/bench_sla.py take 192 to 365 s
        instead of 1 s after bench_create (issue 10): autovacuum cleaned
        bench_create's rolled-back tickets while bench_sla inserted 10,000
        consultations, and the planner joined consultations and SLA lines in
        nested loops, each side read whole for each row of the other (the
        candidate SELECT of helpdesk.ticket.sla's
        _ekonsultasi_recompute_for_leaves 125 s, its ``WITH picked ...
        UPDATE helpdesk_ticket`` 178 s; the UPDATE of the lines from VALUES,
        hashed, stayed at 0.5 s).

        Why not another shape of those queries: with both sides of a join
        estimated at one row every join order looks as cheap, and measured
        with these statistics a MATERIALIZED CTE of the lines, or the
        changed rounds joined first, still ran over 30 s; only a per-row
        ``LATERAL (... OFFSET 0)`` lookup of the consultation kept the
        candidate SELECT at 0.09 s, one fence per join to write and keep,
        and the ORM queries of the same transaction would still be misled.
        Batching only divides a quadratic time. An ``ANALYZE`` in this
        transaction counts its own uncommitted rows; that restores the plans
        of every query at once: 0.11 to 0.14 s for the three tables of 10,000
        rows, 1.11 s for the whole recompute against 1.07 s with sound
        statistics (bench_sla, which now measures both), where the check,
        one query on ``pg_class``, costs 0.2 ms.

        It runs only when the statistics count less than half of the rows
        the table holds now (one ``count(*)`` per table, a few milliseconds
        for 10,000 rows; a day off is edited a few times a year), so an
        ``ANALYZE`` is never repeated: it counts the rows, and the next check
        finds them counted. Statistics merely somewhat old are left to
        autovacuum; a table with ``relpages = 0`` (new, or emptied and
        truncated) is estimated from its size, rightly. Counting rows per
        page instead failed on tables full of dead rows, where a fresh
        ``ANALYZE`` still counts fewer rows than pages. ``SKIP_LOCKED``: it
        never waits for another VACUUM or ANALYZE; it keeps a SHARE UPDATE
        EXCLUSIVE lock on the table until the transaction ends, which blocks
        neither reads nor writes. Without the right to analyze a table,
        PostgreSQL warns and skips it."""
        counted = self.env.execute_query(
            SQL(
                """
                SELECT relname::text, reltuples FROM pg_class
                 WHERE oid = ANY(%s::regclass[]) AND relpages > 0 AND reltuples >= 0
                 ORDER BY relname
                """,
                list(tables),
            )
        )
        stale = []
        for name, estimate in counted:
            [[rows]] = self.env.execute_query(SQL("SELECT count(*) FROM %s", SQL.identifier(name)))
            if estimate < rows / 2:
                stale.append(name)
        if stale:
            start = time.perf_counter()
            self.env.cr.execute(
                SQL(
                    "ANALYZE (SKIP_LOCKED) %s",
                    SQL(", ").join(SQL.identifier(name) for name in stale),
                )
            )
            _logger.info(
                "planner statistics of %s counted no rows: analyzed in %.2f s",
                ", ".join(stale),
                time.perf_counter() - start,
            )
        return stale

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        self.env["resource.calendar"]._ekonsultasi_clear_work_calendars()
        self._ekonsultasi_recompute(leaves._ekonsultasi_spans())
        return leaves

    def write(self, vals):
        before = self._ekonsultasi_spans()
        result = super().write(vals)
        self.env["resource.calendar"]._ekonsultasi_clear_work_calendars()
        if {"date_from", "date_to", "calendar_id", "resource_id", "time_type"} & set(vals):
            self._ekonsultasi_recompute(before + self._ekonsultasi_spans())
        return result

    def unlink(self):
        spans = self._ekonsultasi_spans()
        result = super().unlink()
        self.env["resource.calendar"]._ekonsultasi_clear_work_calendars()
        self._ekonsultasi_recompute(spans)
        return result
