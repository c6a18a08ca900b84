/**
 * Vega-Lite spec builders for the iterated prisoner's dilemma. Each takes the rows of
 * `decisions.jsonl` and returns a spec object; nothing is rendered here (`writeDocument`
 * renders the report's charts). A new game's charts follow the same pattern.
 *
 * @example
 * ```ts
 * import { cumulativePayoffChart } from "./charts.ts";
 * const spec = cumulativePayoffChart([
 *   { round: 1, agent: "alice", action: "C", cumulative_reward: 0 },
 *   { round: 1, agent: "bob", action: "D", cumulative_reward: 5 },
 * ]);
 * console.log(spec.title); // "Cumulative payoff"
 * ```
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { agentScale, LEGEND_TITLES } from "../../charts/palette.ts";

/** The fields of a decision row the charts read. */
export interface IpdChartRow {
  /** The round, 1-based. */
  round: number;
  /** The player. */
  agent: string;
  /** The move played. */
  action: "C" | "D";
  /** The player's total payoff up to and including the round. */
  cumulative_reward: number;
}

/** One point of {@linkcode cooperationRateChart}: a series' running rate after a round. */
export interface CooperationPoint {
  /** The round. */
  round: number;
  /** A player, or {@linkcode BOTH_PLAYERS}. */
  series: string;
  /** Share of `C` moves (or of rounds both cooperated) over the logged rounds so far. */
  rate: number;
}

/** Name of the joint series in {@linkcode cooperationRateChart}. */
export const BOTH_PLAYERS = "both (mutual)";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** The round axis: from the first round played, whole rounds. */
const roundAxis = {
  field: "round",
  type: "quantitative",
  title: "round",
  scale: { zero: false, nice: false },
  axis: { tickMinStep: 1 },
} as const;

/**
 * Each player's cumulative payoff over the rounds.
 *
 * @param rows Decision rows.
 * @returns A line chart spec.
 */
export function cumulativePayoffChart(rows: readonly IpdChartRow[]): TopLevelSpec {
  const values = rows.map(({ round, agent, cumulative_reward }) => ({
    round,
    agent,
    payoff: cumulative_reward,
  }));
  return {
    $schema: SCHEMA,
    title: "Cumulative payoff",
    width: 560,
    height: 240,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: roundAxis,
      y: { field: "payoff", type: "quantitative", title: "cumulative payoff" },
      color: {
        field: "agent",
        type: "nominal",
        title: LEGEND_TITLES.agent,
        scale: agentScale(values.map((v) => v.agent)),
      },
      tooltip: [
        { field: "agent", type: "nominal" },
        { field: "round", type: "quantitative" },
        { field: "payoff", type: "quantitative" },
      ],
    },
  };
}

/**
 * The cooperation rate up to each round: each player's share of `C` moves, and the share of
 * rounds both cooperated (the verdict's rate), with a dashed rule at the verdict threshold.
 *
 * @param rows Decision rows of both players.
 * @param threshold The `mutual_cooperation` threshold.
 * @returns A layered spec.
 */
export function cooperationRateChart(
  rows: readonly IpdChartRow[],
  threshold: number,
): TopLevelSpec {
  return cooperationPointsChart(cooperationRates(rows), threshold);
}

/**
 * {@linkcode cooperationRateChart} from rates already computed (e.g. a sample of a long run's
 * rounds, `chart_data.ts`).
 *
 * @param points The running rates, per round: each player's, then both players'.
 * @param threshold The `mutual_cooperation` threshold.
 * @returns A layered spec.
 */
export function cooperationPointsChart(
  points: readonly CooperationPoint[],
  threshold: number,
): TopLevelSpec {
  const players = [...new Set(points.map((p) => p.series))].filter((s) => s !== BOTH_PLAYERS)
    .sort();
  const scale = agentScale(players);
  return {
    $schema: SCHEMA,
    title: "Cooperation rate up to each round",
    width: 560,
    height: 240,
    layer: [
      {
        data: { values: [...points] },
        mark: { type: "line", point: true },
        encoding: {
          x: roundAxis,
          y: {
            field: "rate",
            type: "quantitative",
            title: "cooperation rate",
            scale: { domain: [0, 1] },
          },
          color: {
            field: "series",
            type: "nominal",
            title: LEGEND_TITLES.agent,
            scale: { domain: [...scale.domain, BOTH_PLAYERS], range: [...scale.range, "#000000"] },
          },
          strokeDash: {
            condition: { test: `datum.series === '${BOTH_PLAYERS}'`, value: [6, 3] },
            value: [1, 0],
          },
          tooltip: [
            { field: "series", type: "nominal" },
            { field: "round", type: "quantitative" },
            { field: "rate", type: "quantitative", format: ".3f" },
          ],
        },
      },
      {
        data: { values: [{ threshold }] },
        mark: { type: "rule", color: "#999999", strokeDash: [2, 2] },
        encoding: { y: { field: "threshold", type: "quantitative" } },
      },
      {
        data: { values: [{ threshold, label: `verdict threshold ${threshold}` }] },
        mark: { type: "text", align: "left", dx: 4, dy: -6, color: "#666666", fontSize: 10 },
        encoding: {
          x: { value: 0 },
          y: { field: "threshold", type: "quantitative" },
          text: { field: "label" },
        },
      },
    ],
  };
}

/** Running cooperation rates per player and of both together, one point per logged round. */
function cooperationRates(rows: readonly IpdChartRow[]): CooperationPoint[] {
  const byRound = new Map<number, IpdChartRow[]>();
  for (const r of rows) byRound.set(r.round, [...(byRound.get(r.round) ?? []), r]);
  const own = new Map<string, number>();
  let mutual = 0;
  const out: CooperationPoint[] = [];
  [...byRound].sort((a, b) => a[0] - b[0]).forEach(([round, moves], i) => {
    for (const r of moves) {
      own.set(r.agent, (own.get(r.agent) ?? 0) + (r.action === "C" ? 1 : 0));
      out.push({ round, series: r.agent, rate: own.get(r.agent)! / (i + 1) });
    }
    if (moves.length === 2 && moves.every((r) => r.action === "C")) mutual++;
    out.push({ round, series: BOTH_PLAYERS, rate: mutual / (i + 1) });
  });
  return out;
}
