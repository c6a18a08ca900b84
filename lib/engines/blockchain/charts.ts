/**
 * Vega-Lite spec builders for the blockchain CPD game. Each takes plain records (e.g.
 * `loadDecisions(dir).toRecords()`) and returns a spec object; nothing is rendered here
 * (see `render.ts`). Colours are fixed across charts: `c` green, `p` orange, `d` red.
 *
 * @example
 * ```ts
 * import { cpdAllocationChart } from "./charts.ts";
 * const spec = cpdAllocationChart([
 *   { round: 1, agent: "miner_a", c: 1, p: 0, d: 0 },
 *   { round: 2, agent: "miner_a", c: 0.5, p: 0.5, d: 0 },
 * ]);
 * console.log(spec.title); // "Effort allocation per miner"
 * ```
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { agentScale, LEGEND_TITLES, MEANING_COLORS } from "../../charts/palette.ts";

/** A layer of a layered spec (vega-lite exports only the top-level type). */
type Layer = Extract<TopLevelSpec, { layer: unknown }>["layer"][number];
/** The encoding of a unit layer. */
type UnitEncoding = NonNullable<Extract<Layer, { mark: unknown }>["encoding"]>;

/** Colours of the three efforts (the toolkit's colours of these meanings). */
export const CPD_COLORS: Readonly<Record<"c" | "p" | "d", string>> = Object.freeze({
  c: MEANING_COLORS.construct,
  p: MEANING_COLORS.parasitic,
  d: MEANING_COLORS.destroy,
});

/** The round axis: starts at the first round played (no empty slot at round 0). */
const roundAxis = {
  field: "round",
  type: "quantitative",
  title: "round",
  scale: { zero: false, nice: false },
  axis: { tickMinStep: 1 },
} as const;

/** Name of the honest group's series in {@linkcode efficiencyChart}. */
export const HONEST_GROUP = "honest group";

/** A decision row with an action split into `c`, `p`, `d`. */
export interface CpdRow {
  /** The round, 1-based. */
  round: number;
  /** The miner's name. */
  agent: string;
  /** The share of effort spent building (`c`; `null` when missing). */
  c: number | null;
  /** The share spent parasitising, i.e. free-riding on the honest group (`null` when missing). */
  p: number | null;
  /** The share spent attacking the other miners (`null` when missing). */
  d: number | null;
}

/** A decision row with efficiencies after the round. */
export interface EfficiencyRow {
  /** The round, 1-based. */
  round: number;
  /** The miner's name. */
  agent: string;
  /** The miner's own efficiency after the round. */
  efficiency: number | null;
  /** The honest group's efficiency after the round. */
  honest_efficiency: number | null;
}

/** A decision row with the cumulative reward after the round. */
export interface RewardRow {
  /** The round, 1-based. */
  round: number;
  /** The miner's name. */
  agent: string;
  /** The miner's total reward up to and including the round. */
  cumulative_reward: number | null;
}

/**
 * A decisions-frame row as every builder here reads it: `loadDecisions(dir).toRecords()`
 * cast to this type (Polars types records loosely).
 */
export type DecisionChartRow = CpdRow & EfficiencyRow & RewardRow;

/** Late-window means, as from `lateMeansFrame`. */
export interface LateCpd {
  /** Mean share spent building. */
  c: number;
  /** Mean share spent parasitising (free-riding). */
  p: number;
  /** Mean share spent attacking. */
  d: number;
  /** First round covered, shown in the title with `to`. */
  from?: number;
  /** Last round covered, shown in the title with `from`. */
  to?: number;
}

/** Verdict thresholds of {@linkcode verdictPanel} (the config's field names). */
export interface PanelThresholds {
  /** Parasitic equilibrium needs late `d` below this. @default 0.08 */
  parasitic_d_max?: number;
  /** Parasitic equilibrium needs late `p` above this. @default 0.40 */
  parasitic_p_min?: number;
  /** Honest convergence needs late `c` above this. @default 0.55 */
  honest_c_min?: number;
}

const CPD_NAMES = "{'c': 'c construct', 'p': 'p parasitise', 'd': 'd destroy'}[datum.label]";

const cpdColor = {
  field: "effort",
  type: "nominal",
  title: LEGEND_TITLES.effort,
  scale: { domain: ["c", "p", "d"], range: [CPD_COLORS.c, CPD_COLORS.p, CPD_COLORS.d] },
  legend: { labelExpr: CPD_NAMES, orient: "top" },
} as const;

/**
 * Stacked areas of each miner's `c`, `p`, `d` over the rounds, one panel per miner.
 *
 * @param rows Decision rows; rows without a 3-vector action (`c` null) are left out.
 * @returns A faceted Vega-Lite spec.
 *
 * @example
 * ```ts
 * import { cpdAllocationChart } from "./charts.ts";
 * const spec = cpdAllocationChart([{ round: 1, agent: "miner_a", c: 0.5, p: 0.25, d: 0.25 }]);
 * console.log("facet" in spec); // true
 * ```
 */
export function cpdAllocationChart(rows: readonly CpdRow[]): TopLevelSpec {
  const values = rows
    .filter((r) => r.c !== null && r.p !== null && r.d !== null)
    .map(({ round, agent, c, p, d }) => ({ round, agent, c, p, d }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Effort allocation per miner",
    data: { values },
    transform: [
      { fold: ["c", "p", "d"], as: ["effort", "share"] },
      { calculate: "indexof(['c', 'p', 'd'], datum.effort)", as: "stack_order" },
    ],
    facet: { row: { field: "agent", type: "nominal", title: null, header: { labelAngle: 0 } } },
    spec: {
      width: 560,
      height: 90,
      mark: { type: "area", interpolate: "step-after" },
      encoding: {
        x: roundAxis,
        y: {
          field: "share",
          type: "quantitative",
          stack: "zero",
          title: "share",
          scale: { domain: [0, 1] },
        },
        color: cpdColor,
        order: { field: "stack_order", type: "quantitative" },
        tooltip: [
          { field: "agent", type: "nominal" },
          { field: "round", type: "quantitative" },
          { field: "effort", type: "nominal" },
          { field: "share", type: "quantitative", format: ".3f" },
        ],
      },
    },
  };
}

/**
 * Efficiency of every miner and of the honest group after each round, with a dashed rule
 * at the floor `eta_min`.
 *
 * @param rows Decision rows; the honest group's line comes from `honest_efficiency`.
 * @param etaMin The efficiency floor (`config.eta_min`).
 * @returns A layered Vega-Lite spec.
 *
 * @example
 * ```ts
 * import { efficiencyChart } from "./charts.ts";
 * const spec = efficiencyChart(
 *   [{ round: 1, agent: "miner_a", efficiency: 0.9, honest_efficiency: 0.8 }],
 *   0.1,
 * );
 * console.log("layer" in spec); // true
 * ```
 */
export function efficiencyChart(rows: readonly EfficiencyRow[], etaMin: number): TopLevelSpec {
  const miners = [...new Set(rows.map((r) => r.agent))].sort();
  const scale = agentScale(miners);
  const domain = [...scale.domain, HONEST_GROUP];
  const range = [...scale.range, "#000000"];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Efficiency after each round",
    width: 560,
    height: 260,
    layer: [
      {
        data: { values: efficiencyValues(rows) },
        mark: { type: "line", point: true },
        encoding: efficiencyEncoding(domain, range),
      },
      etaMinLayer(etaMin),
    ],
  };
}

/** Every miner's efficiency per round, then the honest group's (first row of each round). */
function efficiencyValues(rows: readonly EfficiencyRow[]) {
  const values: { round: number; participant: string; efficiency: number }[] = [];
  for (const r of rows) {
    if (r.efficiency !== null) {
      values.push({ round: r.round, participant: r.agent, efficiency: r.efficiency });
    }
  }
  const honest = new Map<number, number>();
  for (const r of rows) {
    if (r.honest_efficiency !== null && !honest.has(r.round)) {
      honest.set(r.round, r.honest_efficiency);
    }
  }
  for (const [round, efficiency] of [...honest].sort((a, b) => a[0] - b[0])) {
    values.push({ round, participant: HONEST_GROUP, efficiency });
  }
  return values;
}

/** The efficiency lines: one colour per participant, the honest group thick and dashed. */
function efficiencyEncoding(domain: string[], range: string[]): UnitEncoding {
  return {
    x: roundAxis,
    y: {
      field: "efficiency",
      type: "quantitative",
      title: "efficiency η",
      scale: { domain: [0, 1] },
    },
    color: {
      field: "participant",
      type: "nominal",
      title: LEGEND_TITLES.agent,
      scale: { domain, range },
    },
    strokeDash: {
      condition: { test: `datum.participant === '${HONEST_GROUP}'`, value: [6, 3] },
      value: [1, 0],
    },
    strokeWidth: {
      condition: { test: `datum.participant === '${HONEST_GROUP}'`, value: 3 },
      value: 1.5,
    },
    tooltip: [
      { field: "participant", type: "nominal" },
      { field: "round", type: "quantitative" },
      { field: "efficiency", type: "quantitative", format: ".3f" },
    ],
  };
}

/** The dashed rule at the efficiency floor, labelled `η_min = …`. */
function etaMinLayer(etaMin: number): Layer {
  return {
    data: { values: [{ eta_min: etaMin, text: `η_min = ${etaMin}` }] },
    layer: [
      {
        mark: { type: "rule", color: "#555555", strokeDash: [4, 4] },
        encoding: { y: { field: "eta_min", type: "quantitative" } },
      },
      {
        mark: { type: "text", align: "left", dx: 4, dy: -6, color: "#555555" },
        encoding: {
          y: { field: "eta_min", type: "quantitative" },
          x: { value: 2 },
          text: { field: "text", type: "nominal" },
        },
      },
    ],
  };
}

/**
 * Cumulative reward of each miner over the rounds.
 *
 * @param rows Decision rows.
 * @returns A Vega-Lite line chart spec.
 *
 * @example
 * ```ts
 * import { cumulativeRewardChart } from "./charts.ts";
 * const spec = cumulativeRewardChart([{ round: 1, agent: "miner_a", cumulative_reward: 2.5 }]);
 * console.log(spec.title); // "Cumulative reward"
 * ```
 */
export function cumulativeRewardChart(rows: readonly RewardRow[]): TopLevelSpec {
  const values = rows
    .filter((r) => r.cumulative_reward !== null)
    .map(({ round, agent, cumulative_reward }) => ({ round, agent, cumulative_reward }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Cumulative reward",
    width: 560,
    height: 260,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: roundAxis,
      y: { field: "cumulative_reward", type: "quantitative", title: "cumulative reward" },
      color: {
        field: "agent",
        type: "nominal",
        title: LEGEND_TITLES.agent,
        scale: agentScale(values.map((v) => v.agent)),
      },
      tooltip: [
        { field: "agent", type: "nominal" },
        { field: "round", type: "quantitative" },
        { field: "cumulative_reward", type: "quantitative", format: ".2f" },
      ],
    },
  };
}

/**
 * Bars of the late-window mean `c`, `p`, `d`, each with a dashed rule at the threshold its
 * verdict tests (`c > 0.55` honest convergence; `p > 0.40` and `d < 0.08` parasitic
 * equilibrium), annotated with the condition and whether it holds.
 *
 * @param late Late-window means (`from`/`to` go into the title when given).
 * @param thresholds The verdict thresholds, SPEC defaults otherwise.
 * @returns A layered Vega-Lite spec.
 *
 * @example
 * ```ts
 * import { verdictPanel } from "./charts.ts";
 * const spec = verdictPanel({ c: 0.1, p: 0.8, d: 0.05, from: 16, to: 30 });
 * console.log(JSON.stringify(spec).includes("p > 0.4")); // true
 * ```
 */
export function verdictPanel(late: LateCpd, thresholds: PanelThresholds = {}): TopLevelSpec {
  const rows = verdictRows(late, thresholds);
  const parasitic = rows[1].holds && rows[2].holds;
  const honest = rows[0].holds;
  const span = late.from !== undefined && late.to !== undefined
    ? ` (rounds ${late.from}–${late.to})`
    : "";
  const x = verdictAxis(rows);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `Late-window means${span}`,
      subtitle: `parasitic equilibrium: ${parasitic ? "yes" : "no"} · honest convergence: ${
        honest ? "yes" : "no"
      }`,
    },
    width: 360,
    height: 240,
    data: { values: rows },
    encoding: { x },
    layer: verdictLayers(x),
  };
}

const fmt4 = (x: number) => String(Number(x.toFixed(4)));

/** One bar per effort: its late mean, the threshold its verdict tests, whether it holds. */
function verdictRows(late: LateCpd, thresholds: PanelThresholds) {
  const { parasitic_d_max = 0.08, parasitic_p_min = 0.40, honest_c_min = 0.55 } = thresholds;
  return [
    {
      effort: "c",
      value: late.c,
      threshold: honest_c_min,
      condition: `c > ${fmt4(honest_c_min)}`,
      holds: late.c > honest_c_min,
      verdict: "honest convergence",
    },
    {
      effort: "p",
      value: late.p,
      threshold: parasitic_p_min,
      condition: `p > ${fmt4(parasitic_p_min)}`,
      holds: late.p > parasitic_p_min,
      verdict: "parasitic equilibrium",
    },
    {
      effort: "d",
      value: late.d,
      threshold: parasitic_d_max,
      condition: `d < ${fmt4(parasitic_d_max)}`,
      holds: late.d < parasitic_d_max,
      verdict: "parasitic equilibrium",
    },
  ].map((r) => ({
    ...r,
    value_text: fmt4(r.value),
    note: `${r.condition}: ${r.holds ? "yes" : "no"}`,
  }));
}

/** The effort axis; the condition and its outcome go under each bar, so no label sits on a bar or a rule. */
function verdictAxis(rows: readonly { effort: string; note: string }[]) {
  const notes = Object.fromEntries(rows.map((r) => [r.effort, r.note]));
  return {
    field: "effort",
    type: "nominal",
    title: null,
    sort: ["c", "p", "d"],
    axis: {
      labelExpr: `[${CPD_NAMES.replace("datum.label", "datum.value")}, ${
        JSON.stringify(notes).replaceAll('"', "'")
      }[datum.value]]`,
      labelAngle: 0,
      labelPadding: 6,
    },
  } as const;
}

/** The bars, the dashed threshold rules and the value labels of {@linkcode verdictPanel}. */
function verdictLayers(x: ReturnType<typeof verdictAxis>): Layer[] {
  return [
    {
      mark: { type: "bar", width: { band: 0.6 } },
      encoding: {
        y: {
          field: "value",
          type: "quantitative",
          title: "late mean",
          scale: { domain: [0, 1] },
        },
        color: {
          field: "effort",
          type: "nominal",
          legend: null,
          scale: {
            domain: ["c", "p", "d"],
            range: [CPD_COLORS.c, CPD_COLORS.p, CPD_COLORS.d],
          },
        },
        tooltip: [
          { field: "effort", type: "nominal" },
          { field: "value", type: "quantitative", format: ".4f" },
          { field: "condition", type: "nominal" },
          { field: "verdict", type: "nominal" },
        ],
      },
    },
    {
      mark: { type: "rule", color: "#222222", strokeDash: [5, 3], strokeWidth: 2 },
      encoding: {
        x: { ...x, bandPosition: 0 },
        x2: { field: "effort", bandPosition: 1 },
        y: { field: "threshold", type: "quantitative" },
      },
    },
    {
      mark: { type: "text", baseline: "bottom", dy: -3, fontSize: 11, fontWeight: "bold" },
      encoding: {
        y: { field: "value", type: "quantitative" },
        text: { field: "value_text", type: "nominal" },
      },
    },
  ];
}

/** A decision's reward and the rational baseline's payoff (from `stageRegretRows`). */
export interface BaselinePayoffRow {
  /** The round, 1-based. */
  round: number;
  /** The miner's name. */
  agent: string;
  /** The reward the miner earned. */
  earned: number;
  /** What the myopic best response would have earned in the same state. */
  best: number;
}

/**
 * Each miner's reward per round (solid) against the rational baseline's payoff in the same
 * state (dashed): the gap is the stage-game regret.
 *
 * @param rows One row per decision.
 * @returns A Vega-Lite line chart spec.
 *
 * @example
 * ```ts
 * import { baselinePayoffChart } from "./charts.ts";
 * const spec = baselinePayoffChart([{ round: 1, agent: "miner_a", earned: 2.5, best: 10 }]);
 * console.log(spec.title); // "Reward against the rational baseline"
 * ```
 */
export function baselinePayoffChart(rows: readonly BaselinePayoffRow[]): TopLevelSpec {
  const values = rows.flatMap(({ round, agent, earned, best }) => [
    { round, agent, series: "earned", payoff: earned },
    { round, agent, series: "best response", payoff: best },
  ]);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Reward against the rational baseline",
    width: 560,
    height: 260,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: roundAxis,
      y: { field: "payoff", type: "quantitative", title: "payoff in the round" },
      color: {
        field: "agent",
        type: "nominal",
        title: LEGEND_TITLES.agent,
        scale: agentScale(values.map((v) => v.agent)),
      },
      strokeDash: {
        field: "series",
        type: "nominal",
        title: "series",
        scale: { domain: ["earned", "best response"], range: [[1, 0], [4, 3]] },
      },
      detail: { field: "series", type: "nominal" },
      tooltip: [
        { field: "agent", type: "nominal" },
        { field: "round", type: "quantitative" },
        { field: "series", type: "nominal" },
        { field: "payoff", type: "quantitative", format: ".3f" },
      ],
    },
  };
}
