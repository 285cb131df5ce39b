# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


def post_init_hook(env):
    """Tickets that existed before the addon was installed get their round 1
    (submitted when they were created), so that their answer is recorded
    like any other and nothing of their history is lost."""
    tickets = (
        env["helpdesk.ticket"].with_context(active_test=False).search([("round_ids", "=", False)])
    )
    tickets._ekonsultasi_start_first_round(since_creation=True)
