/**
 * The tables of the society run report, as data (`TableBlock`s of `lib/core/document.ts`),
 * from the run's `summary.json` and `config.json`: overview, verdicts, the GovSim measures,
 * one line per citizen, each citizen against the rational baseline, and the configuration.
 * Numbers stay numbers; the renderer formats them for people.
 *
 * @example
 * ```ts
 * import { verdictsTable } from "./report_tables.ts";
 * console.log(verdictsTable({ survived_all: false, collapse: true }).rows[1]); // ["collapse", "yes", "fewer than half of the citizens alive at the end"]
 * ```
 * @module
 */
import type { Cell, TableBlock } from "../../core/document.ts";
import type { AgentRegret } from "../../core/regret.ts";
import type { SocietyRun } from "./analysis.ts";
import type { SocietyBaselineLine } from "./stage_regret.ts";

type Summary = Record<string, unknown>;

/** `yes`, `no`, or the verdict as it is (`inconclusive`, `n/a`). */
export const verdictText = (v: unknown): string =>
  v === true ? "yes" : v === false ? "no" : String(v ?? "n/a");

function llmTokens(s: Summary): string {
  const llm = s.llm as
    | { calls: number; input_tokens: number; output_tokens: number; cached_tokens: number }
    | undefined;
  return llm?.calls
    ? `${llm.input_tokens} / ${llm.cached_tokens} / ${llm.output_tokens} in ${llm.calls} calls`
    : "no LLM calls";
}

/**
 * Headline figures of the run: days, survivors, eliminations, efficiency, resources, game
 * and LLM tokens.
 *
 * @param s The run's `summary.json`.
 * @param citizens How many citizens the run has.
 * @returns A measure/value table.
 */
export function overviewTable(s: Summary, citizens: number): TableBlock {
  const el = s.eliminations as { by_vote: number; by_starvation: number };
  const gt = s.game_tokens as { consumed: number; budget: number; share: number };
  const rows: [string, Cell][] = [
    ["days played / limit", `${s.days_played} / ${s.day_limit}`],
    ["end reason", String(s.end_reason ?? "not finished")],
    ["survivors", `${(s.survivors as string[]).length} of ${citizens}`],
    ["eliminations by vote", el.by_vote],
    ["eliminations by starvation", el.by_starvation],
    ["revivals", s.revivals as number],
    ["final system efficiency", s.final_efficiency as number],
    ["resources remaining", s.remaining_resources as number],
    ["resources wasted", s.resources_wasted as number],
    [
      "game tokens consumed / budget",
      `${gt.consumed} / ${gt.budget} (${(gt.share * 100).toFixed(1)}%)`,
    ],
    ["allocation Gini", s.allocation_gini as number],
    ["messages / meetings", `${s.messages} / ${s.meetings}`],
    ["real LLM tokens (input / cached / output)", llmTokens(s)],
    ["real LLM tokens per citizen-day", (s.llm_tokens_per_citizen_day ?? "n/a") as Cell],
  ];
  return { header: ["measure", "value"], rows };
}

/**
 * The `survived_all` and `collapse` verdicts with their conditions.
 *
 * @param s The run's `summary.json`.
 * @returns A verdict/value/condition table.
 */
export function verdictsTable(s: Summary): TableBlock {
  return {
    header: ["verdict", "value", "condition"],
    rows: [
      [
        "survived_all",
        verdictText(s.survived_all),
        "the day limit was reached with every citizen alive",
      ],
      ["collapse", verdictText(s.collapse), "fewer than half of the citizens alive at the end"],
    ],
  };
}

/**
 * The GovSim measures (Piatti et al. 2024, adapted) with what each means.
 *
 * @param s The run's `summary.json`.
 * @returns A measure/value/meaning table.
 */
export function govsimTable(s: Summary): TableBlock {
  const g = s.govsim as Record<string, number | boolean>;
  return {
    header: ["GovSim measure", "value", "meaning"],
    rows: [
      ["survival time", g.survival_time, "days until the end"],
      ["survived all", verdictText(g.survived_all), "day limit reached with everyone alive"],
      ["total gain", g.total_gain, "resources granted over the run"],
      [
        "efficiency",
        g.efficiency,
        "granted / what the pool could give (resources x initial efficiency)",
      ],
      ["equality", g.equality, "1 - Gini of the resources granted per AI"],
      ["over-usage", g.over_usage, "share of requests above the fair share available / alive"],
    ],
  };
}

/**
 * One line per citizen: kind, fate, health, resources, days acted, actions.
 *
 * @param s The run's `summary.json`.
 * @returns A sortable table, the dead rows marked `bad`.
 */
export function citizenTable(s: Summary): TableBlock {
  const per = s.per_citizen as Record<string, Record<string, unknown>>;
  const entries = Object.entries(per);
  return {
    header: [
      "citizen",
      "kind",
      "alive",
      "health",
      "requested",
      "granted",
      "days acted",
      "died on",
      "voted out",
      "starved",
      "revived",
      "actions done",
      "actions dropped",
    ],
    rows: entries.map(([name, c]) =>
      [
        name,
        c.model && !String(c.kind).includes(String(c.model)) ? `${c.kind} / ${c.model}` : c.kind,
        c.alive ? "yes" : "no",
        ...["health", "requested", "granted", "days_acted", "died_on"].map((k) => c[k] as Cell),
        ...["eliminated_by_vote", "starved", "revived"].map((k) => c[k] as Cell),
        ...["actions_executed", "actions_dropped"].map((k) => c[k] as Cell),
      ] as Cell[]
    ),
    rowTones: entries.map(([, c]) => (c.alive ? null : "bad")),
    sortable: true,
  } as TableBlock;
}

/**
 * Each citizen's grants beside what the myopic best response would have been granted on the
 * same days, and its stage-game regret.
 *
 * @param s The run's `summary.json` (with `regret` and `rational_baseline`).
 * @returns A sortable table.
 */
export function baselineTable(s: Summary): TableBlock {
  const regret = s.regret as Record<string, AgentRegret>;
  const base = s.rational_baseline as Record<string, SocietyBaselineLine>;
  const per = (s.per_citizen ?? {}) as Record<string, Record<string, unknown>>;
  const rows = Object.keys(base).map((name) => {
    const b = base[name];
    const r = regret[name];
    return [
      name,
      (per[name]?.kind ?? "") as Cell,
      b.decisions,
      b.request_days,
      b.mean_request,
      b.earned,
      b.best_response_total,
      b.earned_share,
      r?.mean,
      r?.total,
      r?.near_best_share === null || r === undefined ? "–" : r.near_best_share,
    ];
  });
  const header = [
    "citizen",
    "kind",
    "decisions",
    "days the request decided the grant",
    "mean request on those days",
    "granted",
    "baseline granted",
    "granted / baseline",
    "stage regret mean",
    "stage regret total",
    "near-best share (LLM seats)",
  ];
  return { header, rows, sortable: true };
}

/**
 * The run's seed, config (the citizens abbreviated after 12 names) and agents.
 *
 * @param run The loaded run.
 * @returns A parameter/value table.
 */
export function configTable(run: SocietyRun): TableBlock {
  const rows: [string, Cell][] = [["seed", run.seed]];
  for (const [k, v] of Object.entries(run.config)) {
    if (k === "citizens") {
      const names = v as string[];
      const more = names.length > 12 ? ", ..." : "";
      rows.push([k, `${names.length}: ${names.slice(0, 12).join(", ")}${more}`]);
    } else rows.push([k, typeof v === "object" && v !== null ? JSON.stringify(v) : v as Cell]);
  }
  for (const a of run.agents ?? []) {
    rows.push([
      `agent ${a.name}`,
      a.provider === "policy" ? `policy ${a.policy}` : `${a.provider} ${a.model}`,
    ]);
  }
  return { header: ["parameter", "value"], rows };
}
