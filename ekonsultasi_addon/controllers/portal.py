# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk


class EkonsultasiCustomerPortal(CustomerPortalHelpdesk):
    # helpdesk_mgmt words these labels in its own Python code, which only its
    # own (missing) Indonesian catalogue could translate: relabel them here.
    def _ekonsultasi_relabel(self, options):
        _ = request.env._
        labels = {
            "date": _("Newest"),
            "name": _("Title"),
            "stage": _("Stage"),
            "update": _("Last stage update"),
            "none": _("None"),
            "category": _("Category"),
            "all": _("Search in all"),
            "number": _("Search in number"),
        }
        for key, option in options.items():
            if key in labels:
                option["label"] = labels[key]
        return options

    def _ticket_get_searchbar_sortings(self):
        return self._ekonsultasi_relabel(super()._ticket_get_searchbar_sortings())

    def _ticket_get_searchbar_groupby(self):
        return self._ekonsultasi_relabel(super()._ticket_get_searchbar_groupby())

    def _ticket_get_searchbar_inputs(self):
        inputs = self._ekonsultasi_relabel(super()._ticket_get_searchbar_inputs())
        if "name" in inputs:
            inputs["name"]["label"] = request.env._("Search in title")
        return inputs

    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        values.update(
            {
                # Closing is the konsulti's "done" of Pasal 13: offered once
                # the consultation is answered, through our checked route.
                "closed_stages": ticket.browse(),
                "can_close": ticket.ekonsultasi_state == "answered",
                "can_resubmit": ticket.can_resubmit
                and ticket.partner_id == request.env.user.partner_id,
                "ekonsultasi_error": kwargs.get("error"),
            }
        )
        return values
