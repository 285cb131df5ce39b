/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
/* The set-up checklist (Konfigurasi > Penyiapan Kabupaten): one record per
   company, computed when it opens, so no "1 / 1" pager beside its title. */
import {FormController} from "@web/views/form/form_controller";
import {formView} from "@web/views/form/form_view";
import {registry} from "@web/core/registry";
import {usePager} from "@web/search/pager_hook";

export class EkonsultasiChecklistFormController extends FormController {
    setup() {
        super.setup();
        // a pager of no record: the control panel shows none
        usePager(() => null);
    }
}

registry.category("views").add("ekonsultasi_checklist_form", {
    ...formView,
    Controller: EkonsultasiChecklistFormController,
});
