/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// New consultation form: once the konsulti picks a perangkat daerah, the
// topic list shows only that agency's topics. Without JavaScript the form
// still works: the topics are grouped by agency and the server checks them.

function filterTopics(agencySelect, topicSelect) {
    const agency = agencySelect.value;
    for (const group of topicSelect.querySelectorAll("optgroup")) {
        const visible = !agency || group.dataset.agency === agency;
        group.hidden = !visible;
        group.disabled = !visible;
    }
    const chosen = topicSelect.selectedOptions[0];
    if (chosen && chosen.dataset.agency && agency && chosen.dataset.agency !== agency) {
        topicSelect.value = "";
    }
}

function setup() {
    const agencySelect = document.querySelector(".o_ekonsultasi_form #perangkat_daerah");
    const topicSelect = document.querySelector(".o_ekonsultasi_form #category");
    if (!agencySelect || !topicSelect) {
        return;
    }
    agencySelect.addEventListener("change", () => filterTopics(agencySelect, topicSelect));
    filterTopics(agencySelect, topicSelect);
}

if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
} else {
    setup();
}
