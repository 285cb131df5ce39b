"""The flow of Pasal 11 to 13: a konsulti sends a problem in a category, it
reaches the konsultan team of that category, a konsultan answers, the konsulti
closes it or submits it again."""
# pylint: disable=translation-required  # test bodies, never shown to anyone; pylint-odoo exempts
# only folders named tests/, and ours are tests/odoo/

import datetime

from ekonsultasi_common import EkonsultasiCase

from odoo.exceptions import UserError
from odoo.tests import tagged


@tagged("post_install", "-at_install", "ekonsultasi")
class TestConsultationFlow(EkonsultasiCase):
    def test_new_consultation_routed_to_team_of_category(self):
        """Pasal 11 (2)-(4) and 12 (2): category -> team of that agency."""
        ticket = self.consult(self.konsulti.partner_id, self.topic_aset)
        self.assertEqual(ticket.team_id, self.team_bkad)
        self.assertEqual(ticket.perangkat_daerah_id, self.agency_bkad)
        self.assertEqual(ticket.user_id, self.konsultan_bkad)
        self.assertEqual(ticket.ekonsultasi_state, "new")
        self.assertEqual(ticket.round_number, 1)
        self.assertEqual(len(ticket.round_ids), 1)
        self.assertFalse(ticket.answer_date)
        self.assertIn(self.konsulti.partner_id, ticket.message_partner_ids)
        # the konsultan follows it, so he hears of the konsulti's messages
        self.assertIn(self.konsultan_bkad.partner_id, ticket.message_partner_ids)
        # no rating yet: the figures of none (without asking the database)
        self.assertEqual((ticket.rating_last_value, ticket.positive_rate_percentage), (0, -1))

    def _konsulti_follower_subtypes(self, ticket, partner):
        follower = ticket.sudo().message_follower_ids.filtered(lambda f: f.partner_id == partner)
        self.assertEqual(len(follower), 1)
        return follower.subtype_ids

    def test_konsulti_follows_as_message_subscribe_makes_him(self):
        """The konsulti follows his consultation with the subtypes that
        ``message_subscribe`` gives, whoever creates it: himself through the
        portal (as its creator, mail's default subtypes), the flow in sudo
        or an internal user for him (a customer: the public default
        subtypes)."""
        default, _internal, external = self.env["mail.message.subtype"].default_subtypes(
            "helpdesk.ticket"
        )
        partner = self.konsulti.partner_id
        own = self.env["helpdesk.ticket"].with_user(self.konsulti).sudo().create(
            {"name": "Sendiri", "description": "<p>x</p>", "partner_id": partner.id,
             "category_id": self.topic_tlhp.id}
        )  # fmt: skip
        self.assertEqual(self._konsulti_follower_subtypes(own, partner), default)
        for_him = self.consult(partner)
        self.assertEqual(self._konsulti_follower_subtypes(for_him, partner), external)
        by_admin = self.env["helpdesk.ticket"].with_user(self.administrator).create(
            {"name": "Admin", "description": "<p>x</p>", "partner_id": partner.id,
             "category_id": self.topic_tlhp.id}
        )  # fmt: skip
        self.assertEqual(self._konsulti_follower_subtypes(by_admin, partner), external)
        # as message_subscribe would make him (same subtypes, no second line)
        for_him.message_subscribe(partner_ids=partner.ids)
        self.assertEqual(self._konsulti_follower_subtypes(for_him, partner), external)
        for ticket in self.consult_many(partner, 3):  # one batch
            self.assertEqual(self._konsulti_follower_subtypes(ticket, partner), external)

    def test_stage_of_new_consultations_follows_the_stages(self):
        """The stage of each role is kept per team
        (helpdesk.ticket.team._ekonsultasi_stage_of): a stage given the role,
        limited to a team, archived, or freed by the deletion of its only
        team, counts for the next consultation."""

        def stage():
            return self.consult(self.konsulti.partner_id).stage_id  # team_insp

        new = stage()
        self.assertEqual(new, self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new"))
        triage = self.env["helpdesk.ticket.stage"].create(
            {"name": "Triase", "sequence": 0, "ekonsultasi_state": "new"}
        )
        self.assertEqual(stage(), triage)
        triage.team_ids = self.team_bkad
        self.assertEqual(stage(), new)
        triage.team_ids = self.team_insp
        self.assertEqual(stage(), triage)
        triage.active = False
        self.assertEqual(stage(), new)
        triage.write({"active": True, "team_ids": self.team_bkad.ids})
        self.assertEqual(stage(), new)
        self.team_bkad.category_ids.team_id = False
        self.team_bkad.unlink()  # the stage of no team any more: of every team
        self.assertEqual(stage(), triage)

    def test_origin_of_konsulti(self):
        asn = self.consult(self.konsulti.partner_id)
        self.assertEqual(asn.konsulti_origin, "perangkat_daerah")
        self.assertEqual(asn.origin_perangkat_daerah_id, self.agency_bkad)
        village = self.consult(self.konsulti_nagari.partner_id)
        self.assertEqual(village.konsulti_origin, "desa")
        self.assertEqual(village.origin_desa_id, self.desa)
        self.assertEqual(village.origin_kecamatan_id, self.kecamatan)

    def test_topic_without_team_uses_parent_team(self):
        sub_topic = self.env["helpdesk.ticket.category"].create(
            {"name": "Temuan BPK", "parent_id": self.topic_tlhp.id}
        )
        ticket = self.consult(self.konsulti.partner_id, sub_topic)
        self.assertEqual(ticket.team_id, self.team_insp)
        self.assertEqual(sub_topic.perangkat_daerah_id, self.agency_insp)

    def test_topic_team_overrides_parent_team(self):
        special = self.env["helpdesk.ticket.category"].create(
            {
                "name": "Aset desa",
                "parent_id": self.cat_insp.id,
                "team_id": self.team_bkad.id,
            }
        )
        ticket = self.consult(self.konsulti.partner_id, special)
        self.assertEqual(ticket.team_id, self.team_bkad)

    def test_answer_by_konsultan_records_time_and_moves_stage(self):
        """Pasal 12 (3): the konsultan's first public message is the answer."""
        ticket = self.consult(self.konsulti.partner_id)
        konsultan = ticket.user_id
        message = self.answer(ticket, konsultan)
        self.assertEqual(ticket.ekonsultasi_state, "answered")
        self.assertEqual(ticket.answer_date, message.date)
        self.assertEqual(ticket.current_round_id.answer_user_id, konsultan)
        self.assertEqual(ticket.current_round_id.answer_message_id, message)
        # the konsulti, a follower, is notified of the answer
        self.assertIn(self.konsulti.partner_id, message.notification_ids.res_partner_id)
        # a second message does not move the answer time
        self.answer(ticket, konsultan, body="Tambahan penjelasan.")
        self.assertEqual(ticket.answer_date, message.date)

    def test_internal_note_is_not_an_answer(self):
        ticket = self.consult(self.konsulti.partner_id)
        self.answer(ticket, ticket.user_id, subtype_xmlid="mail.mt_note")
        self.assertFalse(ticket.answer_date)
        self.assertEqual(ticket.ekonsultasi_state, "new")

    def test_message_of_konsulti_or_outsider_is_not_an_answer(self):
        ticket = self.consult(self.konsulti.partner_id)
        ticket.sudo().message_post(
            body="Apakah sudah dibaca?",
            author_id=self.konsulti.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        ticket.sudo().message_post(
            body="Saya dari BKAD.",
            author_id=self.konsultan_bkad.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertFalse(ticket.answer_date)

    def test_team_member_other_than_assignee_can_answer(self):
        ticket = self.consult(self.konsulti.partner_id)
        other = (self.konsultan_1 | self.konsultan_2) - ticket.user_id
        self.answer(ticket, other)
        self.assertEqual(ticket.current_round_id.answer_user_id, other)
        self.assertEqual(ticket.ekonsultasi_state, "answered")

    def test_start_processing(self):
        ticket = self.consult(self.konsulti.partner_id)
        ticket.with_user(ticket.user_id).action_start_processing()
        self.assertEqual(ticket.ekonsultasi_state, "progress")
        self.answer(ticket, ticket.user_id)
        self.assertEqual(ticket.ekonsultasi_state, "answered")

    def test_resubmission_starts_new_round_and_keeps_history(self):
        """Pasal 13: a new round, with its own answer, the old one kept."""
        ticket = self.consult(self.konsulti.partner_id)
        first = self.answer(ticket, ticket.user_id)
        ticket.with_user(self.konsulti).sudo().action_resubmit(
            "Jawaban belum menjelaskan batas waktu tindak lanjut."
        )
        self.assertEqual(ticket.ekonsultasi_state, "resubmitted")
        self.assertEqual(ticket.round_number, 2)
        self.assertFalse(ticket.answer_date)
        round_1, round_2 = ticket.round_ids.sorted("number")
        self.assertEqual(round_1.answer_date, first.date)
        self.assertIn("batas waktu", round_2.reason)
        resubmission = ticket.message_ids.filtered(
            lambda m: "batas waktu" in (m.body or "") and m.author_id == self.konsulti.partner_id
        )
        self.assertEqual(len(resubmission), 1)
        # the konsultan is notified of the new round
        self.assertIn(ticket.user_id.partner_id, resubmission.notification_ids.res_partner_id)
        second = self.answer(ticket, ticket.user_id, body="Batasnya 60 hari.")
        self.assertEqual(ticket.answer_date, second.date)
        self.assertEqual(round_2.answer_message_id, second)
        self.assertEqual(round_1.answer_message_id, first)
        self.assertEqual(ticket.ekonsultasi_state, "answered")

    def test_resubmission_text_is_a_mail_template(self):
        """The re-submission's heading comes from a mail template, in the
        konsulti's language; his reason is escaped."""
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["ekonsultasi_addon"], ["id_ID"], overwrite=True
        )
        ticket = self.consult(self.konsulti.partner_id)
        self.answer(ticket, ticket.user_id)
        ticket.with_user(self.konsulti).with_context(lang="id_ID").sudo().action_resubmit(
            "Belum jelas <b>sama sekali</b>."
        )
        message = ticket.message_ids.filtered(lambda m: m.author_id == self.konsulti.partner_id)
        self.assertEqual(len(message), 1)
        self.assertIn("Diajukan kembali (putaran 2)", message.body)
        self.assertIn("Belum jelas &lt;b&gt;sama sekali&lt;/b&gt;.", message.body)

    def test_resubmission_needs_reason_and_answer(self):
        ticket = self.consult(self.konsulti.partner_id)
        with self.assertRaisesRegex(UserError, "Only an answered consultation"):
            ticket.action_resubmit("Belum dijawab")
        self.answer(ticket, ticket.user_id)
        with self.assertRaisesRegex(UserError, "explain why"):
            ticket.action_resubmit("   ")
        self.assertEqual(ticket.round_number, 1)

    def test_close_consultation(self):
        ticket = self.consult(self.konsulti.partner_id)
        self.answer(ticket, ticket.user_id)
        ticket.sudo().action_close_consultation()
        self.assertEqual(ticket.ekonsultasi_state, "done")
        self.assertTrue(ticket.closed)
        self.assertTrue(ticket.closed_date)
        with self.assertRaises(UserError):
            ticket.action_resubmit("Terlambat")


@tagged("post_install", "-at_install", "ekonsultasi")
class TestAssignment(EkonsultasiCase):
    def _open_load(self, user):
        return self.Ticket.search_count(
            [("user_id", "=", user.id), ("stage_id.closed", "=", False)]
        )

    def test_fewest_open_consultations_wins(self):
        for _i in range(3):
            self.consult(self.konsulti.partner_id, user_id=self.konsultan_1.id)
        ticket = self.consult(self.konsulti.partner_id)
        self.assertEqual(ticket.user_id, self.konsultan_2)

    def test_batch_spreads_over_team(self):
        tickets = self.consult_many(self.konsulti.partner_id, 6)
        counts = {u: len(tickets.filtered(lambda t, u=u: t.user_id == u)) for u in tickets.user_id}
        self.assertEqual(set(tickets.user_id), {self.konsultan_1, self.konsultan_2})
        self.assertEqual(sorted(counts.values()), [3, 3])

    def test_tie_goes_to_konsultan_idle_longest(self):
        old = datetime.datetime(2026, 1, 5, 8, 0)
        recent = datetime.datetime(2026, 3, 2, 8, 0)
        closed = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        for user, date in ((self.konsultan_1, recent), (self.konsultan_2, old)):
            t = self.consult(self.konsulti.partner_id, user_id=user.id)
            t.write({"stage_id": closed.id})
            t.flush_recordset()
            self.env.cr.execute(
                "UPDATE helpdesk_ticket SET assigned_date = %s WHERE id = %s",
                (date, t.id),
            )
        self.env.invalidate_all()
        self.assertEqual(self._open_load(self.konsultan_1), 0)
        self.assertEqual(self._open_load(self.konsultan_2), 0)
        ticket = self.consult(self.konsulti.partner_id)
        self.assertEqual(ticket.user_id, self.konsultan_2)

    def test_load_query_agrees_with_the_orm(self):
        """The SQL of the konsultan's load repeats what the ORM says: open is
        a stage that is not closed (archived consultations too), idle since
        the latest assignment."""
        closed = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        users = self.konsultan_1 | self.konsultan_2
        tickets = self.consult_many(self.konsulti.partner_id, 7)
        tickets[:2].write({"stage_id": closed.id})
        tickets[2:3].write({"active": False})
        tickets[3:4].write({"user_id": self.konsultan_2.id})
        load, idle_since = self.Ticket._ekonsultasi_konsultan_load(users)
        Ticket = self.Ticket.sudo().with_context(active_test=False)
        for user in users:
            self.assertEqual(
                load[user.id],
                Ticket.search_count(
                    [
                        ("user_id", "=", user.id),
                        ("stage_id", "!=", False),
                        ("stage_id.closed", "=", False),
                    ]
                ),
            )
            [[latest]] = Ticket._read_group([("user_id", "=", user.id)], [], ["assigned_date:max"])
            self.assertEqual(idle_since[user.id], latest)
        self.assertTrue(any(load.values()))
        # a konsultan who never had one: no load, idle since ever
        never = self.env["res.users"].create(
            {"name": "Konsultan baru", "login": "konsultan_baru", "jenis_jabatan": "administrator"}
        )
        load, idle_since = self.Ticket._ekonsultasi_konsultan_load(never)
        self.assertEqual((load[never.id], idle_since[never.id]), (0, datetime.datetime.min))

    def test_chosen_konsultan_is_kept(self):
        ticket = self.consult(self.konsulti.partner_id, user_id=self.konsultan_1.id)
        self.assertEqual(ticket.user_id, self.konsultan_1)
        for _i in range(2):
            self.consult(self.konsulti.partner_id, user_id=self.konsultan_1.id)
        ticket = self.consult(self.konsulti.partner_id, user_id=self.konsultan_1.id)
        self.assertEqual(ticket.user_id, self.konsultan_1)

    def test_archived_konsultan_gets_nothing(self):
        self.konsultan_2.active = False
        tickets = self.consult_many(self.konsulti.partner_id, 3)
        self.assertEqual(tickets.user_id, self.konsultan_1)

    def _queries_to_assign(self, team, count=5):
        # warm the ormcaches (xml ids, rules) so that only the assignment counts
        self.Ticket._ekonsultasi_assign([{"team_id": team.id}])
        vals_list = [{"team_id": team.id} for _i in range(count)]
        self.env.invalidate_all()
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        self.Ticket._ekonsultasi_assign(vals_list)
        queries = self.env.cr.sql_log_count - before
        self.assertTrue(all(v.get("user_id") for v in vals_list))
        return queries

    def test_assignment_queries_do_not_grow_with_team_size(self):
        small = self._queries_to_assign(self.team_insp)
        extra = self.env["res.users"]
        for i in range(6):
            extra |= self.env["res.users"].create(
                {
                    "name": f"Konsultan {i}",
                    "login": f"konsultan_extra_{i}",
                    "jenis_jabatan": "administrator",
                    "groups_id": [
                        (
                            6,
                            0,
                            [
                                self.env.ref("base.group_user").id,
                                self.env.ref("ekonsultasi_addon.group_ekonsultasi_konsultan").id,
                            ],
                        )
                    ],
                }
            )
        big_team = self.env["helpdesk.ticket.team"].create(
            {"name": "Tim besar", "user_ids": [(6, 0, (extra | self.konsultan_1).ids)]}
        )
        big = self._queries_to_assign(big_team)
        self.assertEqual(small, big, "assignment must not cost a query per konsultan")
        # and the same with more consultations in the batch
        self.assertEqual(self._queries_to_assign(big_team, count=40), big)


@tagged("post_install", "-at_install", "ekonsultasi")
class TestInstallHook(EkonsultasiCase):
    def test_tickets_from_before_install_get_round_one(self):
        from odoo.addons.ekonsultasi_addon.hooks import post_init_hook

        ticket = self.consult(self.konsulti.partner_id)
        # as if created before the addon: no round, no round SLA line
        ticket.ticket_sla_ids.unlink()
        ticket.round_ids.unlink()
        self.assertEqual(ticket.round_number, 0)
        post_init_hook(self.env)
        self.assertEqual(ticket.round_number, 1)
        self.assertEqual(ticket.round_start_date, ticket.create_date)
        self.answer(ticket, ticket.user_id)
        self.assertTrue(ticket.answer_date)
