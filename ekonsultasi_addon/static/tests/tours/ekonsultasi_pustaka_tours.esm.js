/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
/**
 * Pustaka Jawaban in the browser (tests/odoo/test_pustaka_browser.py): the
 * answers suggested while a konsulti writes a new consultation, "this
 * answers me", and the library's pages, each page checked as in the flow
 * tours (width, English left, tab title).
 */
import {checkPage} from "./ekonsultasi_flow_tours.esm";
import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");

tours.add("ekonsultasi_pustaka_suggest", {
    steps: () => [
        {trigger: "input[name=subject]", run: "edit Sepeda motor dinas rusak mau dihapus"},
        {
            trigger: "textarea[name=description]",
            run: "edit Bagaimana cara menghapus kendaraan dinas yang rusak berat di puskesmas?",
        },
        {
            content: "the published answer appears beside the form",
            trigger: "#ekonsultasi_pustaka_list li a:contains('Penghapusan sepeda motor dinas')",
        },
        checkPage("new consultation with suggestions"),
        {
            content: "it answers him",
            trigger: "#ekonsultasi_pustaka_list li button:visible",
            run: "click",
        },
        {
            content: "thanked, nothing sent",
            trigger: "#ekonsultasi_pustaka_thanks:not(.d-none)",
        },
        checkPage("suggestion counted"),
    ],
});

tours.add("ekonsultasi_pustaka_library", {
    steps: () => [
        checkPage("library"),
        {trigger: "input[name=q]", run: "edit menghapus sepeda motor"},
        {trigger: "form[role=search] button[type=submit]", run: "click"},
        {
            content: "found in another word form",
            trigger: "#pustaka_count",
        },
        {
            trigger: "#pustaka_entries a:contains('Penghapusan sepeda motor dinas')",
            run: "click",
        },
        {trigger: "h2:contains('Jawaban')"},
        checkPage("entry"),
    ],
});
