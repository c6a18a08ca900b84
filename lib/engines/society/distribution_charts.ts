/**
 * Vega-Lite specs that read at any number of citizens: the survival curve (citizens alive
 * day by day), a value's distribution across citizens per day as quantile bands, the
 * histogram of what each citizen was granted over the run, and proposals counted per day.
 * The report uses them in place of the one-line-per-citizen charts of `charts.ts` above
 * {@linkcode PER_CITIZEN_CHART_LIMIT} citizens. Like `charts.ts`, nothing is rendered here.
 *
 * @example
 * ```ts
 * import { survivalChart } from "./distribution_charts.ts";
 * const spec = survivalChart([{ day: 1, efficiency: 1, alive: 9 }], 10);
 * console.log(spec.title); // "Survival: citizens alive at the end of each day"
 * ```
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { LEGEND_TITLES, MEANING_COLORS } from "../../charts/palette.ts";
import type { DailyRow, GrantTotalRow, ProposalRow } from "./charts.ts";
import { OUTCOME_COLORS } from "./charts.ts";
import type { QuantileRow } from "./distributions.ts";

/**
 * Above this many citizens, per-citizen lines and legends are unreadable: the report charts
 * distributions and the survival curve instead.
 */
export const PER_CITIZEN_CHART_LIMIT = 30;

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

const dayAxis = {
  field: "day",
  type: "quantitative",
  title: "day",
  scale: { zero: false, nice: false },
  axis: { tickMinStep: 1, format: "d" },
} as const;

/**
 * The survival curve: citizens alive at the end of each day (day 0: all of them), as a
 * count on a 0..citizens axis, the share in the tooltip.
 *
 * @param daily `dailyFrame(...).toRecords()` (its `alive` column).
 * @param citizens How many citizens the run has.
 * @returns The spec.
 */
export function survivalChart(daily: readonly DailyRow[], citizens: number): TopLevelSpec {
  const values = [
    { day: 0, alive: citizens },
    ...daily.map((d) => ({ day: d.day, alive: d.alive })),
  ]
    .filter((r) => typeof r.alive === "number")
    .map((r) => ({ ...r, share: citizens ? (r.alive as number) / citizens : 0 }));
  return {
    $schema: SCHEMA,
    title: "Survival: citizens alive at the end of each day",
    width: 640,
    height: 200,
    data: { values },
    mark: { type: "area", line: true, point: true, opacity: 0.25, color: MEANING_COLORS.construct },
    encoding: {
      x: dayAxis,
      y: {
        field: "alive",
        type: "quantitative",
        title: `citizens alive (of ${citizens})`,
        scale: { domain: [0, citizens] },
      },
      tooltip: [{ field: "day" }, { field: "alive" }, {
        field: "share",
        title: "share alive",
        format: ".1%",
      }],
    },
  } as TopLevelSpec;
}

/** Options of {@linkcode bandsChart}. */
export interface BandsOptions {
  /** The chart's title. */
  title: string;
  /** The value axis's title. */
  y: string;
  /** The value axis's domain, when fixed (e.g. health 0..100). */
  domain?: [number, number];
  /** Reference lines: a value and its label (e.g. the daily need). */
  rules?: { value: number; label: string }[];
}

function bandLayer(lo: keyof QuantileRow, hi: keyof QuantileRow, opacity: number, y: string) {
  return {
    mark: { type: "area", opacity, color: MEANING_COLORS.reference },
    encoding: {
      x: dayAxis,
      y: { field: lo, type: "quantitative", title: y },
      y2: { field: hi },
    },
  };
}

function ruleLayers(rules: readonly { value: number; label: string }[]) {
  if (!rules.length) return [];
  return [{
    data: { values: rules.map((r) => ({ ...r })) },
    layer: [
      {
        mark: { type: "rule", strokeDash: [4, 4], color: MEANING_COLORS.destroy },
        encoding: { y: { field: "value", type: "quantitative" } },
      },
      {
        mark: { type: "text", align: "left", dx: 4, dy: -6, x: 0, color: MEANING_COLORS.destroy },
        encoding: { y: { field: "value", type: "quantitative" }, text: { field: "label" } },
      },
    ],
  }];
}

/**
 * A value's distribution across citizens per day: the 10-90% band (light), the 25-75% band
 * (darker) and the median (line), with the count in the tooltip.
 *
 * @param rows `dailyQuantiles(...)`.
 * @param options Title, axis, domain and reference lines.
 * @returns The spec.
 */
export function bandsChart(rows: readonly QuantileRow[], options: BandsOptions): TopLevelSpec {
  const { title, y, domain, rules = [] } = options;
  const scale = domain ? { domain } : { zero: true };
  const median = {
    mark: { type: "line", point: true, color: "#000" },
    encoding: {
      x: dayAxis,
      y: { field: "p50", type: "quantitative", title: y, scale },
      tooltip: ["day", "n", "min", "p10", "p25", "p50", "p75", "p90", "max"].map((field) => ({
        field,
        ...(field === "n" || field === "day" ? {} : { format: ".1f" }),
      })),
    },
  };
  return {
    $schema: SCHEMA,
    title,
    width: 640,
    height: 220,
    layer: [
      {
        data: { values: rows.map((r) => ({ ...r })) },
        layer: [
          bandLayer("p10", "p90", 0.2, y),
          bandLayer("p25", "p75", 0.4, y),
          median,
        ],
      },
      ...ruleLayers(rules),
    ],
  } as TopLevelSpec;
}

/**
 * How many citizens were granted how much over the run (a histogram), with the fair share
 * (an equal split of what the pool could give) as a rule.
 *
 * @param rows `grantTotalsFrame(...).toRecords()`.
 * @param fairShare The fair share per citizen.
 * @returns The spec.
 */
export function grantTotalsHistogram(
  rows: readonly GrantTotalRow[],
  fairShare: number,
): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: "Resources granted per citizen over the run: how many citizens got how much",
    width: 640,
    height: 220,
    layer: [
      {
        data: { values: rows.map((r) => ({ agent: r.agent, granted: r.granted })) },
        mark: { type: "bar", color: MEANING_COLORS.reference },
        encoding: {
          x: {
            field: "granted",
            type: "quantitative",
            bin: { maxbins: 30 },
            title: "resources granted over the run",
          },
          y: { aggregate: "count", type: "quantitative", title: "citizens" },
          tooltip: [{ aggregate: "count", title: "citizens" }],
        },
      },
      {
        data: { values: [{ fair: fairShare, label: `fair share ${Math.round(fairShare)}` }] },
        layer: [
          {
            mark: {
              type: "rule",
              strokeDash: [4, 4],
              strokeWidth: 2,
              color: MEANING_COLORS.destroy,
            },
            encoding: { x: { field: "fair", type: "quantitative" } },
          },
          {
            mark: { type: "text", align: "left", dx: 4, y: 8, color: MEANING_COLORS.destroy },
            encoding: { x: { field: "fair", type: "quantitative" }, text: { field: "label" } },
          },
        ],
      },
    ],
  } as TopLevelSpec;
}

/**
 * Proposals counted by the day they closed (or were made, when still open), one panel per
 * type, the outcomes side by side, each bar labelled with its count.
 *
 * @param rows `proposalsFrame(...).toRecords()`.
 * @returns The spec.
 */
export function proposalCountsChart(rows: readonly ProposalRow[]): TopLevelSpec {
  const counts = new Map<string, { day: number; type: string; outcome: string; count: number }>();
  for (const r of rows) {
    const day = (r.closed ?? r.made) as number;
    const key = `${day}|${r.type}|${r.outcome}`;
    const c = counts.get(key) ?? { day, type: r.type, outcome: r.outcome, count: 0 };
    c.count++;
    counts.set(key, c);
  }
  const x = { field: "day", type: "ordinal", title: "day", axis: { labelAngle: 0 } };
  const xOffset = {
    field: "outcome",
    type: "nominal",
    scale: { domain: Object.keys(OUTCOME_COLORS) },
  };
  const y = { field: "count", type: "quantitative", title: "proposals" };
  return {
    $schema: SCHEMA,
    title: "Proposals per day by type and outcome",
    data: { values: [...counts.values()] },
    facet: {
      row: {
        field: "type",
        type: "nominal",
        title: null,
        sort: ["resource_allocation", "elimination_vote", "appeal"],
      },
    },
    spec: {
      width: 640,
      height: 90,
      layer: [
        {
          mark: { type: "bar" },
          encoding: {
            x,
            xOffset,
            y,
            color: {
              field: "outcome",
              type: "nominal",
              title: LEGEND_TITLES.outcome,
              scale: { domain: Object.keys(OUTCOME_COLORS), range: Object.values(OUTCOME_COLORS) },
            },
            tooltip: [{ field: "day" }, { field: "outcome" }, { field: "count" }],
          },
        },
        {
          // the count over each bar, so a small count beside a large one is still read
          mark: { type: "text", dy: -5, fontSize: 9 },
          encoding: { x, xOffset, y, text: { field: "count" } },
        },
      ],
    },
    resolve: { scale: { y: "independent" } },
  } as TopLevelSpec;
}
