/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// While a konsulti writes the title and the problem of a new consultation,
// the published answers nearest to it appear beside the form
// (/pustaka/suggest); "This answers my question" sends nothing and is
// counted as a consultation avoided (/pustaka/<id>/helpful). Without
// JavaScript the form works as before.
import {rpc} from "@web/core/network/rpc";

const WAIT_MS = 500;
const MIN_CHARS = 12;

function render(aside, suggestions) {
    const list = aside.querySelector("#ekonsultasi_pustaka_list");
    const model = aside.querySelector("#ekonsultasi_pustaka_helpful_model");
    const thanks = aside.querySelector("#ekonsultasi_pustaka_thanks");
    list.replaceChildren(
        ...suggestions.map((suggestion) => {
            const item = document.createElement("li");
            item.className = "border-top py-2";
            const link = document.createElement("a");
            link.href = suggestion.url;
            link.target = "_blank";
            link.className = "fw-bold text-break";
            link.textContent = suggestion.name;
            const topic = document.createElement("div");
            topic.className = "small text-muted";
            topic.textContent = suggestion.topic;
            const text = document.createElement("div");
            text.className = "small text-break";
            text.textContent = suggestion.excerpt;
            const button = model.cloneNode(true);
            button.removeAttribute("id");
            button.classList.remove("d-none");
            button.dataset.entry = suggestion.id;
            button.addEventListener("click", async () => {
                button.disabled = true;
                await rpc(`/pustaka/${suggestion.id}/helpful`, {});
                thanks.classList.remove("d-none");
                button.classList.replace("btn-outline-success", "btn-success");
            });
            item.append(link, topic, text, button);
            return item;
        })
    );
    aside.classList.toggle("d-none", !suggestions.length && thanks.classList.contains("d-none"));
}

function setup() {
    const aside = document.querySelector("#ekonsultasi_pustaka_suggest");
    const form = aside && aside.closest("form");
    if (!form) {
        return;
    }
    const title = form.querySelector("#subject");
    const problem = form.querySelector("#description");
    let timer = null;
    let asked = "";
    const ask = async () => {
        const text = `${title.value} ${problem.value}`.trim();
        if (text.length < MIN_CHARS || text === asked) {
            return;
        }
        asked = text;
        const suggestions = await rpc("/pustaka/suggest", {
            title: title.value,
            description: problem.value,
        });
        // an answer to an older text is not shown over a newer one
        if (asked === text) {
            render(aside, suggestions);
        }
    };
    for (const input of [title, problem]) {
        input.addEventListener("input", () => {
            clearTimeout(timer);
            timer = setTimeout(ask, WAIT_MS);
        });
    }
    // a form shown again (an error) already has a text
    ask();
}

if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
} else {
    setup();
}
