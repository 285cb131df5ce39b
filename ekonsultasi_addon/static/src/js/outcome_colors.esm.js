/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
/* The charts of the consultation analysis (the dashboards' and the
   analysis menu's) colour each outcome the same way whatever outcomes the
   data has: answered within the limit green, late red. Odoo colours the
   series by their position, so "within the limit" could come out red. */
import {GraphRenderer} from "@web/views/graph/graph_renderer";
import {patch} from "@web/core/utils/patch";

// the values of ekonsultasi.round.analysis.outcome (lib/outcome.py)
export const OUTCOME_COLORS = {
    on_time: "#28a745",
    answered_late: "#f0ad4e",
    late: "#dc3545",
    pending: "#4ea7f2",
    closed: "#adb5bd",
    no_limit: "#6c757d",
};

/** The outcome a series of the chart stands for, if it is one. */
export function datasetOutcome(dataset) {
    // an identifier is the series' group values, [{start_day:month: ...},
    // {outcome: "on_time"}]
    for (const identifier of dataset.identifiers || []) {
        const value = JSON.parse(identifier).at(-1)?.outcome;
        if (value in OUTCOME_COLORS) {
            return value;
        }
    }
    return null;
}

patch(GraphRenderer.prototype, {
    getBarChartData() {
        const data = super.getBarChartData(...arguments);
        const {resModel, groupBy} = this.model.metaData;
        const byOutcome = groupBy.length > 1 && groupBy.at(-1).fieldName === "outcome";
        if (resModel === "ekonsultasi.round.analysis" && byOutcome) {
            for (const dataset of data.datasets) {
                const outcome = datasetOutcome(dataset);
                if (outcome) {
                    dataset.backgroundColor = OUTCOME_COLORS[outcome];
                }
            }
        }
        return data;
    },
});
