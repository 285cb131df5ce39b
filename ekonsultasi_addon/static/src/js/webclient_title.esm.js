/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
/* The browser tab of the backend reads E-Konsultasi, as the portal's does,
   not Odoo. */
import {WebClient} from "@web/webclient/webclient";
import {patch} from "@web/core/utils/patch";

patch(WebClient.prototype, {
    setup() {
        super.setup(...arguments);
        this.title.setParts({zopenerp: "E-Konsultasi"});
    },
});
