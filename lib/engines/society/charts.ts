/**
 * Vega-Lite spec builders for society runs. Each takes plain records (the frames of
 * `analysis.ts` as `df.toRecords()`) and returns a spec; nothing is rendered here. Citizens
 * get their colour from `agentScale` over every citizen of the run, so one citizen has one
 * colour in every chart; meanings (death, revival, passed, failed) use `MEANING_COLORS`.
 *
 * @example
 * ```ts
 * import { efficiencyChart } from "./charts.ts";
 * const spec = efficiencyChart([{ day: 1, efficiency: 1 }, { day: 2, efficiency: 0.95 }], 0.5);
 * console.log(spec.title); // "System efficiency"
 * ```
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { agentScale, LEGEND_TITLES, MEANING_COLORS } from "../../charts/palette.ts";

const dayAxis = {
  field: "day",
  type: "quantitative",
  title: "day",
  scale: { zero: false, nice: false },
  axis: { tickMinStep: 1, format: "d" },
} as const;

/** Colours of the marks of deaths and revivals. */
export const MARK_COLORS: Readonly<Record<"eliminated by vote" | "starved" | "revived", string>> =
  Object.freeze({
    "eliminated by vote": MEANING_COLORS.destroy,
    starved: MEANING_COLORS.parasitic,
    revived: MEANING_COLORS.construct,
  });

/** Colours of proposal outcomes. */
export const OUTCOME_COLORS: Readonly<
  Record<"passed" | "passed (no effect)" | "failed" | "open at end", string>
> = Object.freeze({
  passed: MEANING_COLORS.construct,
  "passed (no effect)": MEANING_COLORS.neutral,
  failed: MEANING_COLORS.destroy,
  "open at end": MEANING_COLORS.reference,
});

/** A row of `healthFrame`. */
export interface HealthRow {
  /** The day (1-based). */
  day: number;
  /** The AI's name. */
  agent: string;
  /** Health at the end of the day (or the revive health on a revival row). */
  health: number;
  /** Alive at the end of the day. */
  alive: boolean;
  /** `eliminated by vote`, `starved`, `revived`, or `null` for an ordinary day. */
  mark: string | null;
}

/**
 * Health per AI over days, deaths (cross) and revivals (triangle) marked.
 *
 * @param rows `healthFrame(...).toRecords()`.
 * @param citizens Every citizen of the run (for the colours).
 */
export function healthChart(rows: readonly HealthRow[], citizens: readonly string[]): TopLevelSpec {
  const marked = rows.filter((r) => r.mark !== null);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: "Health per citizen (deaths and revivals marked)",
    width: 640,
    height: 260,
    layer: [
      {
        data: { values: rows.filter((r) => r.mark !== "revived").map((r) => ({ ...r })) },
        mark: { type: "line", point: { size: 18 }, strokeWidth: 1.5 },
        encoding: {
          x: dayAxis,
          y: {
            field: "health",
            type: "quantitative",
            title: "health",
            scale: { domain: [0, 100] },
          },
          color: {
            field: "agent",
            type: "nominal",
            title: LEGEND_TITLES.agent,
            scale: agentScale(citizens),
          },
          detail: { field: "agent" },
        },
      },
      {
        data: { values: marked.map((r) => ({ ...r })) },
        mark: { type: "point", size: 120, filled: true, strokeWidth: 2 },
        encoding: {
          x: dayAxis,
          y: { field: "health", type: "quantitative" },
          shape: {
            field: "mark",
            type: "nominal",
            title: LEGEND_TITLES.outcome,
            scale: { domain: Object.keys(MARK_COLORS), range: ["cross", "diamond", "triangle-up"] },
          },
          fill: {
            field: "mark",
            type: "nominal",
            title: LEGEND_TITLES.outcome,
            scale: { domain: Object.keys(MARK_COLORS), range: Object.values(MARK_COLORS) },
          },
          tooltip: [{ field: "agent" }, { field: "day" }, { field: "mark" }],
        },
      },
    ],
    resolve: { scale: { color: "independent" } },
  } as TopLevelSpec;
}

/** A row of `dailyFrame`. */
export interface DailyRow {
  /** The day (1-based). */
  day: number;
  /** System efficiency at the end of the day, in (0, 1]. */
  efficiency: number;
  /** Resources the pool could give that day. */
  available?: number | null;
  /** Resources granted that day. */
  granted?: number | null;
  /** `available / fed`, or `null` when no one was fed. */
  fair_share?: number | null;
  /** `available / days left`: the most the society can take and keep as much every day. */
  sustainable?: number | null;
  /** AIs alive at the end of the day. */
  alive?: number | null;
}

/**
 * System efficiency at the end of each day, with its floor as a dashed rule.
 *
 * @param rows `dailyFrame(...).toRecords()`.
 * @param floor The config's `min_efficiency`.
 */
export function efficiencyChart(rows: readonly DailyRow[], floor: number): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: "System efficiency",
    width: 640,
    height: 200,
    layer: [
      {
        data: { values: rows.map((r) => ({ day: r.day, efficiency: r.efficiency })) },
        mark: {
          type: "line",
          point: true,
          interpolate: "step-after",
          color: MEANING_COLORS.reference,
        },
        encoding: {
          x: dayAxis,
          y: {
            field: "efficiency",
            type: "quantitative",
            title: "efficiency",
            scale: { domain: [Math.min(floor, ...rows.map((r) => r.efficiency)) - 0.02, 1.02] },
          },
        },
      },
      {
        data: { values: [{ floor }] },
        mark: { type: "rule", strokeDash: [4, 4], color: MEANING_COLORS.destroy },
        encoding: { y: { field: "floor", type: "quantitative" } },
      },
    ],
  } as TopLevelSpec;
}

/** A row of `grantsFrame`. */
export interface GrantRow {
  /** The day (1-based). */
  day: number;
  /** The AI's name. */
  agent: string;
  /** Resources granted to it that day. */
  granted: number;
  /** That day's `available / fed`, or `null` when unknown. */
  fair_share: number | null;
}

/**
 * Resources granted per day, stacked by citizen, with the day's sustainable ration
 * (`available / days left`) as a dashed line: above it, the society eats into the days ahead.
 *
 * @param rows `grantsFrame(...).toRecords()`.
 * @param daily `dailyFrame(...).toRecords()` (for the sustainable ration).
 * @param citizens Every citizen of the run.
 */
export function grantsChart(
  rows: readonly GrantRow[],
  daily: readonly DailyRow[],
  citizens: readonly string[],
): TopLevelSpec {
  const x = { field: "day", type: "ordinal", title: "day", axis: { labelAngle: 0 } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: "Resources granted per day, stacked by citizen, against the sustainable ration",
    width: 640,
    height: 240,
    layer: [
      {
        data: { values: rows.map((r) => ({ day: r.day, agent: r.agent, granted: r.granted })) },
        mark: { type: "bar" },
        encoding: {
          x,
          y: { field: "granted", type: "quantitative", title: "resources", stack: "zero" },
          color: {
            field: "agent",
            type: "nominal",
            title: LEGEND_TITLES.agent,
            scale: agentScale(citizens),
          },
          tooltip: [{ field: "agent" }, { field: "day" }, { field: "granted" }],
        },
      },
      {
        data: {
          values: daily.filter((d) => typeof d.sustainable === "number").map((d) => ({
            day: d.day,
            sustainable: d.sustainable,
          })),
        },
        mark: { type: "line", point: true, color: "#000", strokeDash: [4, 3] },
        encoding: {
          x,
          y: { field: "sustainable", type: "quantitative" },
          tooltip: [{ field: "day" }, {
            field: "sustainable",
            title: "available / days left",
            format: ".1f",
          }],
        },
      },
    ],
  } as TopLevelSpec;
}

/** A row of `grantTotalsFrame`. */
export interface GrantTotalRow {
  /** The AI's name. */
  agent: string;
  /** Resources granted to it over the run. */
  granted: number;
  /** An equal split of what the pool could give over the run. */
  fair_share: number;
}

/**
 * Total resources granted per citizen over the run (bars in the citizen's colour) against
 * the fair share, an equal split of what the pool could give over the run (black rule).
 */
export function fairShareChart(
  rows: readonly GrantTotalRow[],
  citizens: readonly string[],
): TopLevelSpec {
  const x = {
    field: "agent",
    type: "nominal",
    title: LEGEND_TITLES.agent,
    sort: [...citizens],
    axis: citizens.length > 40 ? { labels: false, ticks: false } : { labelAngle: -40 },
  };
  const fair = rows[0]?.fair_share ?? 0;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: "Resources granted per citizen over the run against the fair share",
    width: Math.max(320, Math.min(900, citizens.length * 40)),
    height: 220,
    layer: [
      {
        data: { values: rows.map((r) => ({ ...r })) },
        mark: { type: "bar" },
        encoding: {
          x,
          y: { field: "granted", type: "quantitative", title: "resources" },
          color: { field: "agent", type: "nominal", scale: agentScale(citizens), legend: null },
          tooltip: [{ field: "agent" }, { field: "granted" }, {
            field: "fair_share",
            format: ".1f",
          }],
        },
      },
      {
        data: { values: [{ fair, label: `fair share ${Math.round(fair)}` }] },
        layer: [
          {
            mark: { type: "rule", color: "#000", strokeWidth: 2 },
            encoding: { y: { field: "fair", type: "quantitative" } },
          },
          {
            mark: { type: "text", align: "left", dx: 4, dy: -6, x: 0 },
            encoding: { y: { field: "fair", type: "quantitative" }, text: { field: "label" } },
          },
        ],
      },
    ],
  } as TopLevelSpec;
}

/** A row of `proposalsFrame`. */
export interface ProposalRow {
  /** The proposal id. */
  id: number;
  /** The day it was made, or `null` when its creation event is missing. */
  made: number | null;
  /** The day it closed, or `null` when still open at the end. */
  closed: number | null;
  /** The proposal type (`resource_allocation`, `elimination_vote`, `appeal`). */
  type: string;
  /** Who made it. */
  proposer: string;
  /** Its content (a target name or an allocation). */
  content: string;
  /** Votes in favour. */
  for: number;
  /** Votes against. */
  against: number;
  /** `passed`, `passed (no effect)`, `failed` or `open at end`. */
  outcome: string;
}

/**
 * The proposals timeline: one point per proposal at the day it closed (or was made, when
 * still open), by type, coloured by outcome, labelled `for:against`.
 */
export function proposalsChart(rows: readonly ProposalRow[]): TopLevelSpec {
  const values = rows.map((r) => ({
    ...r,
    day: r.closed ?? r.made,
    votes: `${r.for}:${r.against}`,
  }));
  const enc = {
    x: dayAxis,
    y: {
      field: "type",
      type: "nominal",
      title: "proposal type",
      scale: { domain: ["resource_allocation", "elimination_vote", "appeal"] },
    },
    // one offset scale for both layers, sorted the same way (no conflicting domain sorts)
    yOffset: { field: "id", type: "ordinal", sort: "ascending" },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: "Proposals: day closed, type, outcome, votes for:against",
    width: 640,
    height: 240,
    data: { values },
    layer: [
      {
        mark: { type: "point", filled: true, size: 160, opacity: 0.8 },
        encoding: {
          ...enc,
          color: {
            field: "outcome",
            type: "nominal",
            title: LEGEND_TITLES.outcome,
            scale: { domain: Object.keys(OUTCOME_COLORS), range: Object.values(OUTCOME_COLORS) },
          },
          tooltip: [
            { field: "id" },
            { field: "proposer" },
            { field: "content" },
            { field: "votes", title: "for:against" },
            { field: "outcome" },
          ],
        },
      },
      {
        mark: { type: "text", dy: -12, fontSize: 9 },
        encoding: { ...enc, text: { field: "votes" } },
      },
    ],
  } as TopLevelSpec;
}

/** A row of `tokensFrame`. */
export interface TokenRow {
  /** The day (1-based). */
  day: number;
  /** Game tokens consumed that day. */
  tokens: number;
  /** Game tokens consumed up to and including that day. */
  cumulative: number;
  /** The run's whole game-token budget. */
  budget: number;
}

/** Game tokens consumed so far against the whole run's budget (dashed rule). */
export function tokensChart(rows: readonly TokenRow[], budget: number): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: "Game tokens consumed against the budget",
    width: 640,
    height: 200,
    layer: [
      {
        data: { values: rows.map((r) => ({ ...r })) },
        mark: {
          type: "area",
          line: true,
          point: true,
          opacity: 0.3,
          color: MEANING_COLORS.reference,
        },
        encoding: {
          x: dayAxis,
          y: {
            field: "cumulative",
            type: "quantitative",
            title: "game tokens consumed",
            scale: { domain: [0, budget * 1.05] },
          },
          tooltip: [{ field: "day" }, { field: "tokens", title: "that day" }, {
            field: "cumulative",
          }],
        },
      },
      {
        data: { values: [{ budget }] },
        mark: { type: "rule", strokeDash: [4, 4], color: MEANING_COLORS.destroy },
        encoding: { y: { field: "budget", type: "quantitative" } },
      },
    ],
  } as TopLevelSpec;
}

/** An interval to chart: a label, its mean or rate, and its bounds. */
export interface IntervalRow {
  /** The panel's label (e.g. `survival rate`). */
  measure: string;
  /** The mean, or the rate for a proportion. */
  value: number;
  /** Lower bound of the 95% interval (may be `-Infinity` with a single run). */
  lo: number;
  /** Upper bound of the 95% interval (may be `Infinity` with a single run). */
  hi: number;
  /** Number of runs behind it. */
  n: number;
}

/**
 * Survival across seeds: one panel per measure, the mean (or rate) with its 95% interval;
 * infinite bounds (a single run) are clipped to the panel.
 *
 * @param rate Survival rate (share of citizens alive at the end).
 * @param time Survival time (days played) and the day limit as the axis end.
 */
export function acrossSeedsChart(
  rate: IntervalRow,
  time: IntervalRow & { limit: number },
): TopLevelSpec {
  const clip = (x: number, lo: number, hi: number) =>
    Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : x > 0 ? hi : lo;
  const panel = (r: IntervalRow, max: number, title: string) => ({
    title: `${title} (n = ${r.n}, 95% interval)`,
    width: 280,
    height: 70,
    data: { values: [{ ...r, lo: clip(r.lo, 0, max), hi: clip(r.hi, 0, max) }] },
    layer: [
      {
        mark: { type: "rule", strokeWidth: 3, color: MEANING_COLORS.reference },
        encoding: {
          x: { field: "lo", type: "quantitative", title: r.measure, scale: { domain: [0, max] } },
          x2: { field: "hi" },
          y: { field: "measure", type: "nominal", title: null },
        },
      },
      {
        mark: { type: "point", filled: true, size: 120, color: "#000" },
        encoding: {
          x: { field: "value", type: "quantitative" },
          y: { field: "measure", type: "nominal" },
          tooltip: [{ field: "value" }, { field: "lo" }, { field: "hi" }, { field: "n" }],
        },
      },
    ],
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: "Survival across seeds",
    hconcat: [
      panel(rate, 1, "Survival rate"),
      panel(time, Math.max(1, time.limit), "Survival time (days)"),
    ],
  } as TopLevelSpec;
}
