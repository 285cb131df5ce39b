# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk

from .main import (
    KONSULTI_GROUP,
    attach_files,
    attachment_limits,
    own_consultation,
    read_files,
)

# what the page of a consultation takes from the re-submission route only
RESUBMIT_ONLY = ("resubmit_reason", "file_errors")


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

    # /my/account ----------------------------------------------------------
    # A konsulti is a person of the pemda, not a customer: no company name,
    # NPWP or address; his SIMPEG profile is shown, not edited (the directory
    # is its source, Pasal 9).

    @staticmethod
    def _ekonsultasi_is_konsulti():
        return request.env.user.has_group(KONSULTI_GROUP)

    def _get_mandatory_fields(self):
        if self._ekonsultasi_is_konsulti():
            return ["name", "email"]
        return super()._get_mandatory_fields()

    def _get_optional_fields(self):
        if self._ekonsultasi_is_konsulti():
            # country_id: portal posts it back itself once documents exist
            return ["phone", "country_id"]
        return super()._get_optional_fields()

    def _ekonsultasi_profile(self):
        """The konsulti's SIMPEG profile, as (label, value) lines."""
        _ = request.env._
        # sudo: NIP and NIK are personal data read by administrators only;
        # here the person reads his own (UU 27/2022 gives him that right)
        partner = request.env.user.partner_id.sudo()
        lines = [
            (_("NIP"), partner.nip),
            (_("NIK"), partner.nik),
            (_("Position (jabatan)"), partner.jabatan_name),
            (_("Perangkat daerah"), partner.perangkat_daerah_id.name),
            (_("Nagari / desa"), partner.desa_id.display_name),
        ]
        return [(label, value) for label, value in lines if value]

    @http.route()
    def account(self, redirect=None, **post):
        response = super().account(redirect=redirect, **post)
        if self._ekonsultasi_is_konsulti() and getattr(response, "qcontext", None) is not None:
            response.qcontext.update(
                ekonsultasi_konsulti=True, ekonsultasi_profile=self._ekonsultasi_profile()
            )
        return response

    @http.route(
        "/my/ticket/<int:ticket_id>/resubmit",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        csrf=True,
    )
    def resubmit_ticket(self, ticket_id, reason=None, **kw):
        """Pasal 13: submit the problem again with the reason."""
        try:
            ticket = own_consultation(ticket_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        # the page shows only messages the server wrote: a code travels in
        # the URL, never a text (_ekonsultasi_resubmit_errors); the anchor
        # brings the konsulti back to the form, where the message is
        back = f"/my/ticket/{ticket.id}?error=%s#ekonsultasi_resubmit"
        if not (reason or "").strip():
            return request.redirect(back % "resubmit_reason")
        if not ticket.can_resubmit:
            # closed by the system and its further period over: said so
            expired = ticket.closing_type == "auto"
            return request.redirect(back % ("resubmit_expired" if expired else "resubmit_state"))
        files, file_errors = read_files(ticket.company_id, ticket=ticket)
        if file_errors:
            # the page again, not a redirect: the reason he typed is kept,
            # and each refused file is named next to the file field
            return super().portal_my_ticket(
                ticket.id,
                error="resubmit_files",
                resubmit_reason=reason,
                file_errors=file_errors,
            )
        resubmitted = False
        try:
            # the new round and its files together or not at all (disk full)
            with request.env.cr.savepoint():
                ticket.action_resubmit(reason)
                resubmitted = True
                attach_files(ticket, files)
        except UserError:
            if not resubmitted:
                return request.redirect(back % "resubmit_state")
            # the files could not be stored: nothing was sent, the page
            # again with his reason
            return super().portal_my_ticket(
                ticket.id, error="resubmit_storage", resubmit_reason=reason
            )
        return request.redirect(f"/my/ticket/{ticket.id}")

    def _ekonsultasi_resubmit_errors(self):
        """The only messages a consultation's page shows from its URL."""
        _ = request.env._
        return {
            "resubmit_reason": _("Please explain why you submit the consultation again."),
            "resubmit_state": _("Only an answered consultation can be submitted again."),
            "resubmit_expired": _(
                "This consultation was closed by the system because it received no "
                "reply after the answer, and the period to submit it again has "
                "passed. Please send a new consultation."
            ),
            "resubmit_files": _(
                "Nothing was sent: the files do not obey the limits below. Your "
                "reason is kept; choose the files again, then submit."
            ),
            "resubmit_storage": _(
                "The file could not be saved: the server's storage is full or cannot "
                "be written. Nothing was sent. Please try again later, or tell the "
                "administrator."
            ),
        }

    def _document_check_access(self, model_name, document_id, access_token=None):
        # consultations are never shared by link: reading one needs the
        # record rules, an access token opens nothing
        if model_name == "helpdesk.ticket":
            access_token = None
        return super()._document_check_access(model_name, document_id, access_token=access_token)

    @http.route()
    def portal_my_tickets(
        self,
        page=1,
        date_begin=None,
        date_end=None,
        sortby=None,
        filterby=None,
        search=None,
        search_in=None,
        groupby=None,
        **kw,
    ):
        # a hand-made URL gets the default list, never an error page
        if sortby not in self._ticket_get_searchbar_sortings():
            sortby = None
        if groupby not in self._ticket_get_searchbar_groupby():
            groupby = None
        if search_in not in self._ticket_get_searchbar_inputs():
            search_in = None
        if filterby and filterby != "all":
            stage_ids = request.env["helpdesk.ticket.stage"].search([]).ids
            if not filterby.isdigit() or int(filterby) not in stage_ids:
                filterby = None
        try:
            date_begin = date_begin and fields.Datetime.to_string(
                fields.Datetime.to_datetime(date_begin)
            )
            date_end = date_end and fields.Datetime.to_string(fields.Datetime.to_datetime(date_end))
        except ValueError:
            date_begin = date_end = None
        try:
            page = max(int(page), 1)
        except (TypeError, ValueError):
            page = 1
        response = super().portal_my_tickets(
            page=page,
            date_begin=date_begin,
            date_end=date_end,
            sortby=sortby,
            filterby=filterby,
            search=search,
            search_in=search_in,
            groupby=groupby,
            **kw,
        )
        # helpdesk_mgmt words "All" in the route itself (its own catalogue
        # has no Indonesian): relabel it before the lazy page renders
        filters = getattr(response, "qcontext", {}).get("searchbar_filters") or {}
        if "all" in filters:
            filters["all"] = dict(filters["all"], label=request.env._("All consultations"))
        return response

    @http.route()
    def portal_my_ticket(self, ticket_id, access_token=None, **kw):
        # a reason and refused files come from the re-submission route only
        # (resubmit_ticket), never from a link someone made
        kw = {key: value for key, value in kw.items() if key not in RESUBMIT_ONLY}
        return super().portal_my_ticket(ticket_id, access_token=None, **kw)

    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        values.update(
            {
                # Closing is the konsulti's "done" of Pasal 13: offered once
                # the consultation is answered, through our checked route.
                "closed_stages": ticket.browse(),
                "can_close": ticket.ekonsultasi_state == "answered"
                and ticket.partner_id == request.env.user.partner_id,
                "can_resubmit": ticket.can_resubmit
                and ticket.partner_id == request.env.user.partner_id,
                "ekonsultasi_error": self._ekonsultasi_resubmit_errors().get(kwargs.get("error")),
                # a refused re-submission shown again (never from the URL:
                # the route passes them): his reason, and why each file
                "ekonsultasi_reason": kwargs.get("resubmit_reason") or "",
                "ekonsultasi_file_errors": kwargs.get("file_errors") or [],
                # the field the message is shown next to
                "ekonsultasi_error_field": "attachment"
                if kwargs.get("error") in ("resubmit_files", "resubmit_storage")
                else "reason",
                # the receipt after sending (number, topic, answer limit)
                "ekonsultasi_sent": kwargs.get("sent") == "1",
                # the files of a re-submission
                **attachment_limits(ticket.company_id, ticket=ticket),
            }
        )
        return values
