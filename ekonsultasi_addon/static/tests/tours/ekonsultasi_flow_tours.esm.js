/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
/**
 * Tours of the whole flow, driven by tests/odoo/test_browser_flow.py in
 * headless Chromium at phone and desktop width. Every page is checked: no
 * sideways scrolling, no English text that testers reported (issue 11), a
 * tab title that is not "Odoo". Odoo's tour runner fails the test on any
 * JavaScript error in the console.
 */
import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// Shown on our pages once, in English, to testers (issue 11): they must not
// come back. Phrases are searched as they are; words as whole words.
export const ENGLISH_PHRASES = [
    "The conversation is empty",
    "Skip to Content",
    "Manage Databases",
    "Mengelola Database",
    "New consultation",
    "Send consultation",
    "Submit again",
    "Rounds and answers",
    "Waiting for the konsultan",
];
export const ENGLISH_WORDS = ["now", "All"];

export const PDF_BYTES = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/** A step that checks the page as a person would see it. */
export function checkPage(label, root = "body") {
    return {
        content: `check the page: ${label}`,
        trigger: root,
        run() {
            const errors = [];
            const width = document.documentElement.scrollWidth;
            if (width > window.innerWidth) {
                errors.push(`${width} px wide in a ${window.innerWidth} px window`);
            }
            // the portal's chat lives in a shadow root: its text counts too
            const chat = document.querySelector("#chatterRoot")?.shadowRoot;
            const chatText = chat
                ? [...chat.children]
                      .filter((el) => !["LINK", "STYLE"].includes(el.tagName))
                      .map((el) => el.innerText)
                      .join("\n")
                : "";
            const text = `${document.querySelector(root).innerText}\n${chatText}`;
            for (const phrase of ENGLISH_PHRASES) {
                if (text.includes(phrase)) {
                    errors.push(`English text "${phrase}"`);
                }
            }
            for (const word of ENGLISH_WORDS) {
                if (new RegExp(`(^|[^\\w])${word}([^\\w]|$)`).test(text)) {
                    errors.push(`English word "${word}"`);
                }
            }
            if (document.title.trim() === "Odoo") {
                errors.push('the tab title is "Odoo"');
            }
            if (errors.length) {
                throw new Error(`${label}: ${errors.join("; ")}`);
            }
        },
    };
}

/** Choose the option of a <select> whose text contains ``text``. */
function chooseOption(selector, text) {
    return {
        content: `choose "${text}" in ${selector}`,
        trigger: `${selector}:has(option:contains(${JSON.stringify(text)}))`,
        run() {
            const select = document.querySelector(selector);
            const option = [...select.options].find((o) => o.textContent.includes(text));
            select.value = option.value;
            select.dispatchEvent(new Event("change", {bubbles: true}));
        },
    };
}

/** Put a small PDF in a file input, as a person choosing a file does. */
export function attachFile(selector, name) {
    return {
        content: `attach ${name}`,
        trigger: selector,
        run() {
            const input = document.querySelector(selector);
            const files = new DataTransfer();
            files.items.add(new File([PDF_BYTES], name, {type: "application/pdf"}));
            input.files = files.files;
            input.dispatchEvent(new Event("change", {bubbles: true}));
        },
    };
}

tours.add("ekonsultasi_konsulti_send", {
    steps: () => [
        checkPage("list of consultations"),
        {
            content: "a new consultation, from a button in sight",
            trigger: "a[href='/new/ticket']:visible, form[action='/new/ticket'] button:visible",
            run: "click",
        },
        checkPage("new consultation form"),
        chooseOption("select[name=perangkat_daerah]", "Inspektorat Daerah"),
        chooseOption("select[name=category]", "Tindak lanjut hasil pemeriksaan"),
        {trigger: "input[name=subject]", run: "edit Konsultasi uji peramban"},
        {
            trigger: "textarea[name=description]",
            run: "edit Bagaimana menindaklanjuti temuan pemeriksaan atas belanja perjalanan dinas?",
        },
        attachFile("form input[type=file]", "surat_tugas.pdf"),
        checkPage("new consultation form with a file chosen"),
        {
            content: "send",
            trigger: "form button[type=submit]",
            run: "click",
        },
        {
            content: "the consultation's page",
            trigger: "#ekonsultasi_rounds",
        },
        checkPage("consultation sent"),
    ],
});

tours.add("ekonsultasi_konsultan_answer", {
    steps: () => [
        {
            content: "the consultation's form",
            trigger: ".o_form_view .o-mail-Chatter",
        },
        checkPage("consultation in the backend", ".o_action_manager"),
        {
            content: "open the composer",
            trigger: "button.o-mail-Chatter-sendMessage",
            run: "click",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: "edit Jawaban uji peramban: tindak lanjuti dengan pengembalian ke kas daerah.",
        },
        {
            content: "send the answer",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "the answer is in the chatter",
            trigger: ".o-mail-Message-body:contains('Jawaban uji peramban')",
        },
    ],
});

tours.add("ekonsultasi_konsulti_resubmit", {
    steps: () => [
        {
            content: "the answer is in the conversation",
            trigger: "#chatterRoot:shadow .o-mail-Message-body:contains('Jawaban uji peramban')",
        },
        checkPage("answered consultation"),
        {
            trigger: "#ekonsultasi_resubmit textarea[name=reason]",
            run: "edit Jawaban belum menjelaskan batas waktu pengembalian.",
        },
        attachFile("#ekonsultasi_resubmit input[type=file]", "bukti_setor.pdf"),
        {
            content: "submit again",
            trigger: "#ekonsultasi_resubmit button[type=submit]",
            run: "click",
        },
        {
            content: "the second round",
            trigger: "#ekonsultasi_rounds [data-round='2']",
        },
        checkPage("re-submitted consultation"),
    ],
});

tours.add("ekonsultasi_login", {
    steps: () => [
        checkPage("login page"),
        {
            content: "the login field asks for what people type: NIP or NIK",
            trigger: "label[for=login]",
            run() {
                const label = document.querySelector("label[for=login]").textContent;
                if (/^\s*e-?mail\s*$/i.test(label)) {
                    throw new Error(`the login field is labelled "${label.trim()}"`);
                }
            },
        },
        {trigger: "input[name=login]", run: "edit konsulti"},
        {trigger: "input[name=password]", run: "edit konsulti"},
        {
            content: "log in",
            trigger: "form.oe_login_form button[type=submit]",
            run: "click",
        },
        {
            content: "the konsulti lands on his portal",
            trigger: "a[href='/my/tickets']",
        },
        checkPage("the konsulti's portal home"),
    ],
});

tours.add("ekonsultasi_konsulti_close", {
    steps: () => [
        {
            content: "the second answer is in the conversation",
            trigger: "#chatterRoot:shadow .o-mail-Message-body:contains('Jawaban uji peramban')",
        },
        checkPage("consultation answered twice"),
        {
            content: "the Lembar Konsultasi can be downloaded",
            trigger: "#ekonsultasi_lembar a[href$='/lembar']",
        },
        {
            content: "accept the confirmation, noting that it was asked",
            trigger: "form[data-confirm] button[name=close_consultation]",
            run() {
                window.confirm = (question) => {
                    sessionStorage.setItem("ekonsultasiAsked", question);
                    return true;
                };
            },
        },
        {
            content: "close",
            trigger: "form[data-confirm] button[name=close_consultation]",
            run: "click",
        },
        {
            content: "the consultation is closed: nothing left to close",
            trigger: "body:not(:has(button[name=close_consultation]))",
            run() {
                if (document.querySelector("button[name=close_consultation]")) {
                    throw new Error("the close button is still there");
                }
                if (!sessionStorage.getItem("ekonsultasiAsked")) {
                    throw new Error("closing did not ask for a confirmation");
                }
            },
        },
        checkPage("closed consultation"),
    ],
});

tours.add("ekonsultasi_verify_lembar", {
    steps: () => [
        {
            content: "the verification page confirms the sheet",
            trigger: "#ekonsultasi_verification[data-state=valid]",
        },
        checkPage("verification of a Lembar Konsultasi"),
    ],
});

tours.add("ekonsultasi_inspektur_dashboard", {
    steps: () => [
        {
            content: "the chart of the quarter",
            trigger: ".o_action_manager .o_graph_renderer canvas",
        },
        {
            content: "answered within the limit is green (static/src/js/outcome_colors.esm.js)",
            trigger: ".o_action_manager .o_graph_renderer canvas",
            run() {
                const canvas = document.querySelector(".o_action_manager .o_graph_renderer canvas");
                const outcomes = {};
                for (const dataset of window.Chart.getChart(canvas).data.datasets) {
                    for (const identifier of dataset.identifiers) {
                        outcomes[JSON.parse(identifier).at(-1).outcome] = dataset.backgroundColor;
                    }
                }
                if (outcomes.on_time !== "#28a745") {
                    throw new Error(`outcomes coloured ${JSON.stringify(outcomes)}`);
                }
            },
        },
        {
            content: "the late consultations",
            trigger: ".o_action_manager .o_list_renderer",
        },
        checkPage("the Inspektur's dashboard", ".o_action_manager"),
    ],
});

tours.add("ekonsultasi_inspektur_recap", {
    steps: () => [
        {
            content: "the recap form",
            trigger: ".modal button[name=action_print_pdf]",
        },
        checkPage("the recap form", ".modal-content"),
        {
            content: "analyse the period",
            trigger: ".modal button[name=action_open_analysis]",
            run: "click",
        },
        {
            content: "the analysis of the rounds",
            trigger: ".o_action_manager .o_pivot, .o_action_manager .o_list_renderer, .o_action_manager .o_graph_renderer",
        },
        checkPage("the analysis of the period", ".o_action_manager"),
    ],
});
