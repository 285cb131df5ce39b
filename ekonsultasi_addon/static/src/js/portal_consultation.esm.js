/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// The konsulti's forms in the portal. Without JavaScript they still work:
// the topics are grouped by agency and the server checks every value and
// every file again (res.company._ekonsultasi_attachment_error).
import {_t} from "@web/core/l10n/translation";
import publicWidget from "@web/legacy/js/public/public_widget";

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

/**
 * Keep only the chosen files that obey the administrator's limits, carried
 * by the file input (data-max-count, data-max-size in bytes,
 * data-max-size-mb, accept); the files refused are named in the element
 * given by data-information (too many files: none is kept).
 */
export function checkFiles(input) {
    const information = document.getElementById(input.dataset.information);
    const maxBytes = parseInt(input.dataset.maxSize || "0", 10);
    const allowed = (input.getAttribute("accept") || "")
        .split(",")
        .map((ext) => ext.trim().toLowerCase())
        .filter(Boolean);
    const maxCount = parseInt(input.dataset.maxCount || "0", 10);
    const kept = new DataTransfer();
    const errors = [];
    if (input.dataset.maxCount !== undefined && input.files.length > maxCount) {
        errors.push(
            _t("At most %(count)s more files can be attached to this consultation.", {
                count: maxCount,
            })
        );
    }
    for (const file of errors.length ? [] : input.files) {
        const dot = file.name.lastIndexOf(".");
        const ext = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
        if (allowed.length && !allowed.includes(ext)) {
            errors.push(
                _t(
                    "The file %(name)s is of a type that cannot be attached. Allowed types: %(types)s.",
                    {name: file.name, types: allowed.map((a) => a.slice(1)).join(", ")}
                )
            );
        } else if (maxBytes && file.size > maxBytes) {
            errors.push(
                _t("The file %(name)s is larger than %(size)s MB.", {
                    name: file.name,
                    size: input.dataset.maxSizeMb,
                })
            );
        } else {
            kept.items.add(file);
        }
    }
    input.files = kept.files;
    if (information) {
        information.replaceChildren(
            ...errors.map((error) => {
                const line = document.createElement("div");
                line.textContent = error;
                return line;
            })
        );
        information.classList.toggle("d-none", !errors.length);
    }
    input.classList.toggle("is-invalid", Boolean(errors.length));
    return errors;
}

// helpdesk_mgmt's widget on the new-ticket form: its change handler reads
// its own form's markup and checks only the size; ours checks the type too,
// in Bahasa Indonesia, and keeps the files that pass.
if (publicWidget.registry.NewTicket) {
    publicWidget.registry.NewTicket.include({
        _onChangeAttachment(ev) {
            ev.preventDefault();
            checkFiles(ev.currentTarget);
        },
    });
}

function bringIntoView(target) {
    // the conversation is drawn (and grows) after the page: follow the form
    // while the page grows, for 15 s at most (a slow connection) or until
    // the konsulti moves
    const message = target.querySelector("#ekonsultasi_error") || target;
    const show = () => message.scrollIntoView({block: "center"});
    const observer = new ResizeObserver(show);
    // (the body keeps the window's height: watch what grows inside it)
    for (const el of document.querySelectorAll("#wrapwrap, #task_chat")) {
        observer.observe(el);
    }
    const stop = () => observer.disconnect();
    setTimeout(stop, 15000);
    for (const name of ["wheel", "touchstart", "keydown", "mousedown"]) {
        window.addEventListener(name, stop, {once: true, passive: true});
    }
    const invalid = target.querySelector(".is-invalid");
    if (invalid) {
        invalid.focus({preventScroll: true});
    }
}

function setup() {
    const agencySelect = document.querySelector(".o_ekonsultasi_form #perangkat_daerah");
    const topicSelect = document.querySelector(".o_ekonsultasi_form #category");
    if (agencySelect && topicSelect) {
        agencySelect.addEventListener("change", () => filterTopics(agencySelect, topicSelect));
        filterTopics(agencySelect, topicSelect);
    }
    // files of a re-submission (the new form has helpdesk_mgmt's widget)
    for (const input of document.querySelectorAll(
        "form:not(.o_ekonsultasi_form) input[type=file][data-information]"
    )) {
        input.addEventListener("change", () => checkFiles(input));
    }
    // back from a refused re-submission (#ekonsultasi_resubmit): the browser
    // jumped there before the conversation above was drawn and pushed the
    // form down; bring the form and its message back into view
    // (or the page shown again after a refused re-submission)
    const target =
        (location.hash === "#ekonsultasi_resubmit" ||
            document.querySelector("#ekonsultasi_resubmit #ekonsultasi_error")) &&
        document.querySelector("#ekonsultasi_resubmit");
    if (target) {
        bringIntoView(target);
    }
    // closing is final: ask first
    for (const form of document.querySelectorAll("form[data-confirm]")) {
        form.addEventListener("submit", (ev) => {
            // eslint-disable-next-line no-alert
            const question = form.querySelector(".o_ekonsultasi_confirm");
            if (!window.confirm(question ? question.textContent.trim() : "?")) {
                ev.preventDefault();
            }
        });
    }
}

if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
} else {
    setup();
}
