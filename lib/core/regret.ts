/**
 * Stage-game (myopic) regret, the same shape for every engine: for each decision of each
 * agent, the payoff the best response would have earned against what the others actually
 * did in that step, minus what the agent earned. It measures how far play is from myopic
 * rationality; in a repeated game it is *not* an equilibrium test (cooperation can be
 * sustained by future punishment, an attack may pay only later), and reports name it
 * "stage-game regret".
 *
 * Engines compute one {@linkcode RegretPoint} per decision (they know their payoff
 * function); {@linkcode summarizeRegret} turns them into `summary.json`'s `regret`.
 *
 * @example
 * ```ts
 * import { summarizeRegret } from "./regret.ts";
 * const s = summarizeRegret([
 *   { agent: "a", best: 10, earned: 10, llm: true },
 *   { agent: "a", best: 10, earned: 4, llm: true },
 *   { agent: "b", best: 3, earned: 3, llm: false },
 * ]);
 * console.log(s.a.mean, s.a.total, s.a.near_best_share); // 3 6 0.5
 * ```
 * @module
 */

/** One decision's payoff against the best response to the others' actual actions. */
export interface RegretPoint {
  /** The agent that decided. */
  agent: string;
  /** The payoff of the myopic best response, the others' actions held as they were. */
  best: number;
  /** The payoff the agent earned. */
  earned: number;
  /** `true` for an LLM seat (the near-best share is reported for those). */
  llm?: boolean;
}

/** One agent's stage-game regret over a run (`summary.json` `regret[agent]`). */
export interface AgentRegret {
  /** Decisions counted. */
  n: number;
  /** Mean regret per decision (never negative: the best response is at least as good). */
  mean: number;
  /** Total regret over the run. */
  total: number;
  /**
   * Share of decisions within {@linkcode NEAR_BEST} (relative) of the best payoff; LLM seats
   * only (`null` for others).
   */
  near_best_share: number | null;
}

/** Relative tolerance of "within 1% of the best". */
export const NEAR_BEST = 0.01;

/** `true` when `earned` is within {@linkcode NEAR_BEST} of `best` (absolute below 1e-9). */
export function nearBest(best: number, earned: number): boolean {
  return best - earned <= Math.max(1e-9, NEAR_BEST * Math.abs(best));
}

const round = (x: number) => Math.round(x * 1e9) / 1e9;

/**
 * Running sums of {@linkcode summarizeRegret}, one decision at a time: for runs too long to
 * hold a point per decision. `summary()` equals `summarizeRegret` of the same points in the
 * same order, to the bit.
 *
 * @example
 * ```ts
 * import { RegretTally } from "./regret.ts";
 * const tally = new RegretTally();
 * tally.add("a", 10, 4, true);
 * tally.add("a", 10, 10, true);
 * console.log(tally.summary().a); // { n: 2, mean: 3, total: 6, near_best_share: 0.5 }
 * ```
 */
export class RegretTally {
  #by = new Map<string, { n: number; total: number; near: number; llm: boolean }>();

  /**
   * Counts one decision.
   *
   * @throws {RangeError} When a payoff is not finite.
   */
  add(agent: string, best: number, earned: number, llm = false): void {
    if (!Number.isFinite(best) || !Number.isFinite(earned)) {
      throw new RangeError(`Cannot summarise regret: '${agent}' has a payoff that is not finite`);
    }
    let a = this.#by.get(agent);
    if (!a) this.#by.set(agent, a = { n: 0, total: 0, near: 0, llm: false });
    a.n++;
    a.total += Math.max(0, best - earned);
    if (nearBest(best, earned)) a.near++;
    a.llm ||= llm;
  }

  /** Per-agent regret, agents sorted by name (`summary.json`'s `regret`). */
  summary(): Record<string, AgentRegret> {
    const by = this.#by;
    return Object.fromEntries(
      [...by.keys()].sort().map((agent) => {
        const a = by.get(agent)!;
        return [agent, {
          n: a.n,
          mean: round(a.n ? a.total / a.n : 0),
          total: round(a.total),
          near_best_share: a.llm ? round(a.near / a.n) : null,
        }];
      }),
    );
  }
}

/**
 * Per-agent regret, agents sorted by name.
 *
 * @param points One per decision (fallbacks included: they are what was played).
 * @returns `summary.json`'s `regret`.
 * @throws {RangeError} When a point is not finite.
 */
export function summarizeRegret(points: readonly RegretPoint[]): Record<string, AgentRegret> {
  const tally = new RegretTally();
  for (const p of points) tally.add(p.agent, p.best, p.earned, p.llm === true);
  return tally.summary();
}
