# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


def post_init_hook(env):
    """Tickets that existed before the addon was installed get their round 1
    (submitted when they were created), so that their answer is recorded
    like any other and nothing of their history is lost."""
    tickets = (
        env["helpdesk.ticket"].with_context(active_test=False).search([("round_ids", "=", False)])
    )
    tickets._ekonsultasi_start_first_round(since_creation=True)


def uninstall_hook(env):
    """Give helpdesk_mgmt back the access rights and rule the addon narrowed
    to the Konsulti group (which goes away with the addon)."""
    portal = env.ref("base.group_portal")
    for xmlid in (
        "helpdesk_mgmt.access_helpdesk_ticket_portal",
        "helpdesk_mgmt_sla.access_helpdesk_ticket_sla_portal",
    ):
        access = env.ref(xmlid, raise_if_not_found=False)
        if access:
            access.group_id = portal
    rule = env.ref("helpdesk_mgmt.helpdesk_ticket_rule_portal", raise_if_not_found=False)
    if rule:
        rule.groups = portal
