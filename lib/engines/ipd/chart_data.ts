/**
 * The IPD report's chart data from `decisions.jsonl`, read once as a stream in bounded
 * memory: every logged round of a run of up to {@linkcode CHART_ROUNDS} logged rounds; a
 * longer run's charts keep a bounded sample of the logged rounds (whenever the sample would
 * pass twice that many rounds, every other one is dropped), the running cooperation rates
 * still counting every logged round.
 *
 * @example
 * ```ts ignore
 * import { ipdChartData } from "./chart_data.ts";
 * const data = await ipdChartData("data/runs/ipd-1/decisions.jsonl", new Set(["alice"]));
 * console.log(data.logged, data.payoff.length, data.llmRows.length);
 * ```
 * @module
 */
import { streamJsonl } from "../../core/run_log.ts";
import type { CooperationPoint, IpdChartRow } from "./charts.ts";
import { BOTH_PLAYERS } from "./charts.ts";
import { IpdDecisionSchema } from "./decision_row.ts";

/** Logged rounds the charts show in full; beyond, a sample of between this and twice it. */
export const CHART_ROUNDS = 500;

/** What the report reads of the rows. */
export interface IpdChartData {
  /** Rounds logged. */
  logged: number;
  /** The rows of the sampled rounds (every logged round of a short run). */
  payoff: IpdChartRow[];
  /** Running cooperation rates at the sampled rounds. */
  cooperation: CooperationPoint[];
  /** The LLM seats' rows, as the LLM section counts them (`agent`, `fallback`). */
  llmRows: { agent: string; fallback: boolean }[];
}

/** One logged round: its rows and the running rates after it. */
interface RoundPoint {
  round: number;
  rows: IpdChartRow[];
  rates: CooperationPoint[];
}

/** Running cooperation counts over the logged rounds. */
class Rates {
  #own = new Map<string, number>();
  #mutual = 0;
  #rounds = 0;

  /** Counts a round's moves; returns the rates after it, per player then both. */
  add(round: number, moves: readonly IpdChartRow[]): CooperationPoint[] {
    this.#rounds++;
    const out: CooperationPoint[] = [];
    for (const r of moves) {
      this.#own.set(r.agent, (this.#own.get(r.agent) ?? 0) + (r.action === "C" ? 1 : 0));
      out.push({ round, series: r.agent, rate: this.#own.get(r.agent)! / this.#rounds });
    }
    if (moves.length === 2 && moves.every((r) => r.action === "C")) this.#mutual++;
    out.push({ round, series: BOTH_PLAYERS, rate: this.#mutual / this.#rounds });
    return out;
  }
}

/** A sample of the logged rounds that halves itself when it grows past twice `max`. */
class Sample {
  #points: RoundPoint[] = [];
  #stride = 1;
  #seen = 0;
  #last: RoundPoint | undefined;

  constructor(readonly max: number) {}

  /** Offers the next logged round. */
  add(p: RoundPoint): void {
    this.#last = p;
    if (this.#seen++ % this.#stride !== 0) return;
    this.#points.push(p);
    if (this.#points.length <= 2 * this.max) return;
    this.#points = this.#points.filter((_, i) => i % 2 === 0);
    this.#stride *= 2;
  }

  /** The sampled rounds, the last logged round included. */
  points(): RoundPoint[] {
    const last = this.#last;
    return last && this.#points.at(-1) !== last ? [...this.#points, last] : this.#points;
  }
}

/**
 * Reads the chart data of a run's decision rows in one pass.
 *
 * @param path The run's `decisions.jsonl` (absent: no rows).
 * @param llmAgents The LLM seats, whose rows the LLM section counts.
 * @param maxRounds Logged rounds shown in full. @default {CHART_ROUNDS}
 * @returns The sampled chart rows and rates, and the LLM seats' rows.
 */
export async function ipdChartData(
  path: string,
  llmAgents: ReadonlySet<string>,
  maxRounds = CHART_ROUNDS,
): Promise<IpdChartData> {
  const rates = new Rates();
  const sample = new Sample(maxRounds);
  const llmRows: IpdChartData["llmRows"] = [];
  let logged = 0;
  let round: RoundPoint | undefined;
  const close = () => {
    if (!round) return;
    round.rates = rates.add(round.round, round.rows);
    sample.add(round);
    logged++;
  };
  for await (const r of streamJsonl(path, IpdDecisionSchema)) {
    if (llmAgents.has(r.agent)) llmRows.push({ agent: r.agent, fallback: r.fallback === true });
    if (round?.round !== r.round) {
      close();
      round = { round: r.round, rows: [], rates: [] };
    }
    const { agent, action, cumulative_reward } = r;
    round.rows.push({ round: r.round, agent, action, cumulative_reward });
  }
  close();
  const points = sample.points();
  return {
    logged,
    payoff: points.flatMap((p) => p.rows),
    cooperation: points.flatMap((p) => p.rates),
    llmRows,
  };
}
