# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api, models
from odoo.http import request

# the language of the service when the database names none (Bahasa Indonesia)
SERVICE_LANG = "id_ID"


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        # the portal's chat is mail's own component ("now", "The conversation
        # is empty."), and the konsulti's forms have our own messages: the
        # portal loads only web's and portal's translations unless told
        mods = super()._get_translation_frontend_modules_name()
        return mods + ["mail", "ekonsultasi_addon"]

    @classmethod
    def _match(cls, path):
        cls._ekonsultasi_visitor_lang()
        return super()._match(path)

    @classmethod
    def _ekonsultasi_visitor_lang(cls):
        """A visitor not logged in reads the service's language, not his
        browser's: public services are given in Bahasa Indonesia (UU 24/2009
        Pasal 30), and a login page in English stops konsulti. Odoo gives a
        new session the browser's language (``Request.default_lang``); this
        replaces it before the page is chosen. A user keeps his own language
        once logged in."""
        if not request or request.session.uid:
            return
        lang = cls._ekonsultasi_service_lang(request.env.cr)
        if lang and request.session.context.get("lang") != lang:
            request.session.context = dict(request.session.context, lang=lang)
            request.update_context(lang=lang)

    @classmethod
    def _ekonsultasi_service_lang(cls, cr):
        """The database's default language (the default of a contact's
        language), else Bahasa Indonesia: ``None`` when that one is not
        loaded either."""
        env = api.Environment(cr, SUPERUSER_ID, {})
        installed = dict(env["res.lang"].get_installed())
        default = env["ir.default"]._get("res.partner", "lang")
        for lang in (default, SERVICE_LANG):
            if lang in installed:
                return lang
        return None
