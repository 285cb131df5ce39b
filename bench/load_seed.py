# Run by bench/bench_load.py in "odoo shell" (scripts/serve.sh shell) on the
# load benchmark's production database: the people and the consultations the
# Locust users work with, made once (a later run finds them and only writes
# the file of logins again).
#
#  - 3 perangkat daerah, each with a konsultan team and 2 topics;
#  - BENCH_KONSULTAN konsultan (internal users, spread over the teams);
#  - BENCH_KONSULTI konsulti: portal users with a local password. The real
#    konsulti log in through the SIMPEG directory (LDAP); a local password
#    keeps a directory out of the measurement (the benchmark measures the
#    portal, not slapd);
#  - BENCH_ANSWERED answered consultations per konsulti, which the konsulti
#    read and submit again (Pasal 13).
# Every account gets the password of BENCH_PASSWORD; the last line printed
# gives the logins, the konsulti's answered consultations, the topics.
# With BENCH_PLAIN=1 the database has helpdesk_mgmt only: a team, a category
# shown in the portal and the konsulti as plain portal users.
# pylint: disable=translation-required,print-used  # odoo shell script: bench data, its result printed for bench_load.py
import json
import os

from odoo import Command

env = globals()["env"]  # odoo shell's
password = os.environ["BENCH_PASSWORD"]
n_konsulti = int(os.environ.get("BENCH_KONSULTI", "120"))
n_konsultan = int(os.environ.get("BENCH_KONSULTAN", "24"))
n_answered = int(os.environ.get("BENCH_ANSWERED", "3"))
plain = os.environ.get("BENCH_PLAIN") == "1"
Users = env["res.users"].with_context(no_reset_password=True, mail_create_nosubscribe=True)


def user(login, name, groups, **values):
    found = Users.search([("login", "=", login)])
    if found:
        return found
    return Users.create(
        {
            "login": login,
            "name": name,
            "email": f"{login}@bench.example",
            "password": password,
            "groups_id": [Command.set([env.ref(g).id for g in groups])],
            **values,
        }
    )


result = {"konsulti": [], "konsultan": [], "topics": []}
if plain:
    team = env["helpdesk.ticket.team"].search([("name", "=", "Tim Bench")]) or env[
        "helpdesk.ticket.team"
    ].create({"name": "Tim Bench", "show_in_portal": True})
    category = env["helpdesk.ticket.category"].search([("name", "=", "Bench")]) or env[
        "helpdesk.ticket.category"
    ].create({"name": "Bench", "show_in_portal": True})
    result["topics"].append({"category": category.id, "team": team.id})
    for i in range(n_konsulti):
        login = f"bench_konsulti_{i:03d}"
        user(login, f"Konsulti Bench {i}", ["base.group_portal"])
        result["konsulti"].append({"login": login, "answered": []})
else:
    Agency = env["ekonsultasi.perangkat.daerah"]
    Category = env["helpdesk.ticket.category"]
    konsultan_group = ["base.group_user", "ekonsultasi_addon.group_ekonsultasi_konsultan"]
    konsultans = Users.browse()
    for i in range(n_konsultan):
        konsultans |= user(
            f"bench_konsultan_{i:02d}",
            f"Konsultan Bench {i}",
            konsultan_group,
            jenis_jabatan="administrator",
        )
    topics = Category.browse()
    for a, (name, short) in enumerate(
        [("Inspektorat Bench", "IB"), ("BKAD Bench", "KB"), ("BKPSDM Bench", "PB")]
    ):
        agency = Agency.search([("name", "=", name)]) or Agency.create(
            {"name": name, "short_name": short, "code": f"BENCH-{short}"}
        )
        members = konsultans.filtered(lambda u, a=a: int(u.login[-2:]) % 3 == a)
        team = env["helpdesk.ticket.team"].search([("name", "=", f"Tim {name}")])
        if not team:
            team = env["helpdesk.ticket.team"].create(
                {
                    "name": f"Tim {name}",
                    "perangkat_daerah_id": agency.id,
                    "user_ids": [Command.set(members.ids)],
                }
            )
        top = Category.search([("name", "=", name), ("parent_id", "=", False)]) or Category.create(
            {"name": name, "perangkat_daerah_id": agency.id, "team_id": team.id}
        )
        for topic_name in ("Topik A", "Topik B"):
            topics |= Category.search(
                [("name", "=", topic_name), ("parent_id", "=", top.id)]
            ) or Category.create({"name": topic_name, "parent_id": top.id})
    for topic in topics:
        result["topics"].append({"category": topic.id, "agency": topic.perangkat_daerah_id.id})
    result["konsultan"] = konsultans.mapped("login")
    konsulti_group = ["ekonsultasi_addon.group_ekonsultasi_konsulti"]
    Ticket = env["helpdesk.ticket"].sudo()
    for i in range(n_konsulti):
        login = f"bench_konsulti_{i:03d}"
        konsulti = user(
            login,
            f"Konsulti Bench {i}",
            konsulti_group,
            konsulti_origin="perangkat_daerah",
            perangkat_daerah_id=topics[i % len(topics)].perangkat_daerah_id.id,
        )
        partner = konsulti.partner_id
        tickets = Ticket.search([("partner_id", "=", partner.id), ("name", "like", "Seed %")])
        for j in range(len(tickets), n_answered):
            tickets |= Ticket.create(
                {
                    "name": f"Seed {i}-{j}",
                    "description": "<p>Mohon penjelasan tentang penatausahaan keuangan.</p>",
                    "partner_id": partner.id,
                    "partner_name": partner.name,
                    "partner_email": partner.email,
                    "category_id": topics[(i + j) % len(topics)].id,
                }
            )
        for ticket in tickets.filtered(lambda t: t.ekonsultasi_state in ("new", "resubmitted")):
            konsultan = ticket.user_id or ticket.team_id.user_ids[:1]
            ticket.with_user(konsultan).message_post(
                body="Jawaban konsultan (data awal benchmark).",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        result["konsulti"].append(
            {
                "login": login,
                "answered": tickets.filtered(lambda t: t.ekonsultasi_state == "answered").ids,
            }
        )
        if i % 20 == 19:
            env.cr.commit()
env.cr.commit()
# one line the benchmark reads (the shell runs as the user Odoo runs as, who
# may not write where the benchmark keeps its files)
print("BENCH_USERS_JSON " + json.dumps(result))
