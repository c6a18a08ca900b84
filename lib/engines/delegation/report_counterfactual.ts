/**
 * The counterfactual sections of a delegation run's report, as data: the mechanism's user
 * beside the no-mechanism user and the best fixed provider on the same seed (each figure
 * names its counterfactual), and the providers' stage-game regret under both users. A run
 * without the blocks (an older `summary.json`, live mode, LLM seats) gets a line saying why.
 *
 * @example
 * ```ts
 * import { counterfactualSections } from "./report_counterfactual.ts";
 * const [cf] = counterfactualSections({ counterfactual: null, counterfactual_note: "live mode" });
 * console.log(cf.blocks); // [{ text: "Not computed: live mode." }]
 * ```
 * @module
 */
import type { Block, Cell, DocSection } from "../../core/document.ts";
import type { AgentRegret } from "../../core/regret.ts";
import { formatNumber } from "../../reports/render_document.ts";
import type { RunCounterfactual } from "./counterfactual.ts";

/** The rows of the contrast table: figure, value, against. */
function contrastRows(cf: RunCounterfactual): Cell[][] {
  const c = cf.contrast;
  const no = "no-mechanism user", fixed = "best fixed provider";
  return [
    ["honesty gain (substitution share without - with)", c.honesty_gain, no],
    [
      "substitution share: with / without",
      `${formatNumber(cf.mechanism.substitution_share)} / ${
        formatNumber(cf.no_mechanism.substitution_share)
      }`,
      no,
    ],
    ["user utility per task: with - without", c.user_utility_gain_per_task, no],
    ["gap per task to the best fixed provider (mechanism)", c.user_regret_per_task, fixed],
    [
      "gap per task to the best fixed provider (no mechanism)",
      c.no_mechanism_regret_per_task,
      fixed,
    ],
    ["user regret per task vs paid-for (mechanism)", c.paid_for_regret_per_task, "paid-for"],
    ["gap, total, to the best fixed provider (mechanism)", c.user_regret, fixed],
    ["best fixed provider", cf.oracle.provider_id, fixed],
    ["paid-for provider", cf.oracle.honest_provider_id, "paid-for"],
  ];
}

/** The section comparing the run's user with the counterfactual users. */
function contrastSection(summary: Record<string, unknown>): DocSection {
  const title = "Against the counterfactual users";
  const cf = summary.counterfactual as RunCounterfactual | null | undefined;
  if (!cf) {
    const why = summary.counterfactual_note ?? "this summary has no counterfactual block";
    return { title, blocks: [{ text: `Not computed: ${why}.` }] };
  }
  return {
    title,
    blocks: [
      {
        text:
          "One seed: the figures below are this run's, not an interval; a claim needs the study across seeds (counterfactual_study.ts).",
      },
      { table: { header: ["figure", "value", "against"], rows: contrastRows(cf) } },
      { table: { header: ["counterfactual", "definition"], rows: Object.entries(cf.against) } },
    ],
  };
}

/** The providers' stage-game regret under the mechanism and under the no-mechanism user. */
function regretSection(summary: Record<string, unknown>): DocSection {
  const title = "Providers' stage-game regret";
  const regret = summary.regret as Record<string, AgentRegret> | null | undefined;
  if (!regret) {
    return {
      title,
      blocks: [{ text: `Not computed: ${summary.regret_note ?? "this summary has no regret"}.` }],
    };
  }
  const cf = summary.counterfactual as RunCounterfactual | null | undefined;
  const rows: Cell[][] = Object.entries(regret).map(([agent, r]) => {
    const b = cf?.no_mechanism.provider_regret[agent];
    return [agent, r.n, r.mean, r.total, b ? b.mean : "n/a", r.near_best_share ?? "n/a"];
  });
  const header = [
    "provider",
    "delegations",
    "mean (mechanism)",
    "total (mechanism)",
    "mean (no-mechanism user)",
    "near-best share (LLM seats)",
  ];
  const blocks: Block[] = [
    {
      text:
        "Per delegation: the provider utility of the best model choice for that task alone minus what it earned. Myopic: under the mechanism it ignores the early stop, so it is not an equilibrium test.",
    },
    { table: { header, rows } },
  ];
  return { title, blocks };
}

/**
 * The counterfactual sections of a run report.
 *
 * @param summary The run's `summary.json`.
 * @returns "Against the counterfactual users" and "Providers' stage-game regret".
 */
export function counterfactualSections(summary: Record<string, unknown>): DocSection[] {
  return [contrastSection(summary), regretSection(summary)];
}
