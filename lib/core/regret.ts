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
 * Per-agent regret, agents sorted by name.
 *
 * @param points One per decision (fallbacks included: they are what was played).
 * @returns `summary.json`'s `regret`.
 * @throws {RangeError} When a point is not finite.
 */
export function summarizeRegret(points: readonly RegretPoint[]): Record<string, AgentRegret> {
  const by = new Map<string, { n: number; total: number; near: number; llm: boolean }>();
  for (const p of points) {
    if (!Number.isFinite(p.best) || !Number.isFinite(p.earned)) {
      throw new RangeError(`Cannot summarise regret: '${p.agent}' has a payoff that is not finite`);
    }
    const a = by.get(p.agent) ?? { n: 0, total: 0, near: 0, llm: false };
    a.n++;
    a.total += Math.max(0, p.best - p.earned);
    if (nearBest(p.best, p.earned)) a.near++;
    a.llm ||= p.llm === true;
    by.set(p.agent, a);
  }
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
