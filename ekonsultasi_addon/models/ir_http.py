# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        # the portal's chat is mail's own component ("now", "The conversation
        # is empty."), and the konsulti's forms have our own messages: the
        # portal loads only web's and portal's translations unless told
        mods = super()._get_translation_frontend_modules_name()
        return mods + ["mail", "ekonsultasi_addon"]
