/**
 * Stage-game regret of every decision of an IPD run.
 *
 * **Definition.** A player's stage-game regret in a round = the payoff of the best response
 * to the opponent's actual move of that round ({@linkcode ipdBestResponse}) minus the payoff
 * earned. With the accepted payoffs (`T > R > P > S`) it is `T − R` for cooperating against a
 * cooperator, `P − S` for cooperating against a defector and 0 for defecting.
 *
 * **Not an equilibrium test.** In the repeated game, cooperation sustained by the threat of
 * future punishment can be an equilibrium (tit-for-tat against tit-for-tat, with enough
 * rounds ahead), yet every cooperative round has a stage regret of `T − R`. The figure
 * measures distance from myopic rationality, nothing more.
 *
 * **From counts.** A round's regret depends only on the pair of moves, so the run's regret is
 * a function of how often each pair was played. The engine's state keeps exactly what gives
 * those counts (`mutual` = both `C`, each player's `cooperations`, `round`), so the regret
 * covers every round whatever the run policy logged, and a run of millions of rounds does
 * not need its rows.
 *
 * @example
 * ```ts
 * import { ipdStageRegret } from "./stage_regret.ts";
 * const p = { T: 5, R: 3, P: 1, S: 0 };
 * console.log(ipdStageRegret("C", "C", p)); // { best: 5, earned: 3, regret: 2 }
 * console.log(ipdStageRegret("D", "C", p)); // { best: 5, earned: 5, regret: 0 }
 * ```
 * @module
 */
import { type AgentRegret, type RegretPoint, RegretTally } from "../../core/regret.ts";
import { ipdBestResponse } from "./best_response.ts";
import type { IpdConfig } from "./config.ts";
import { type IpdAction, ipdPayoff, type IpdState } from "./engine.ts";

/** One decision against the best response. */
export interface IpdStageRegret {
  /** Payoff of the best response to the opponent's move. */
  best: number;
  /** Payoff earned. */
  earned: number;
  /** `best − earned` (>= 0). */
  regret: number;
}

/**
 * The stage-game regret of playing `mine` against `theirs`.
 *
 * @param mine The player's move.
 * @param theirs The opponent's move of the same round.
 * @param payoffs The payoff table.
 * @returns The best payoff, the payoff earned and their difference.
 *
 * @example
 * ```ts
 * import { ipdStageRegret } from "./stage_regret.ts";
 * console.log(ipdStageRegret("C", "D", { T: 5, R: 3, P: 1, S: 0 }).regret); // 1
 * ```
 */
export function ipdStageRegret(
  mine: IpdAction,
  theirs: IpdAction,
  payoffs: IpdConfig["payoffs"],
): IpdStageRegret {
  const best = ipdBestResponse(theirs, payoffs).value;
  const earned = ipdPayoff(mine, theirs, payoffs);
  return { best, earned, regret: best - earned };
}

/** How often each pair of moves was played; keys are `<first player's><second player's>`. */
export type IpdJointCounts = Record<"CC" | "CD" | "DC" | "DD", number>;

/**
 * The pair counts of a game from the engine's state: `CC = mutual`, `CD = coop₀ − mutual`,
 * `DC = coop₁ − mutual`, `DD = rounds − coop₀ − coop₁ + mutual`.
 *
 * @param state The engine's state (`round`, `cooperations`, `mutual`).
 * @param players The two players, first then second (the config's order).
 * @returns The four counts.
 * @throws {RangeError} When the state's counts are inconsistent (a negative count).
 *
 * @example
 * ```ts
 * import { jointCounts } from "./stage_regret.ts";
 * const state = { round: 4, mutual: 1, cooperations: { a: 2, b: 1 } };
 * console.log(jointCounts(state, ["a", "b"])); // { CC: 1, CD: 1, DC: 0, DD: 2 }
 * ```
 */
export function jointCounts(
  state: Pick<IpdState, "round" | "cooperations" | "mutual">,
  players: readonly [string, string],
): IpdJointCounts {
  const [a, b] = players;
  const ca = state.cooperations[a] ?? 0;
  const cb = state.cooperations[b] ?? 0;
  const counts = {
    CC: state.mutual,
    CD: ca - state.mutual,
    DC: cb - state.mutual,
    DD: state.round - ca - cb + state.mutual,
  };
  for (const [k, v] of Object.entries(counts)) {
    if (!(Number.isInteger(v) && v >= 0)) {
      throw new RangeError(
        `Cannot count move pairs: '${k}' would be ${v}; the state is inconsistent`,
      );
    }
  }
  return counts;
}

/**
 * One {@linkcode RegretPoint} per decision of both players (for `summarizeRegret`), from the
 * pair counts. Points of the same pair share one object, so a long game costs one array
 * slot per decision.
 *
 * @param counts The pair counts ({@linkcode jointCounts}).
 * @param players The two players, in the order of the counts' keys.
 * @param payoffs The payoff table.
 * @param llmAgents The LLM seats (their summary gets the near-best share). @default {[]}
 * @returns `2 × rounds` points (order carries no meaning).
 *
 * @example
 * ```ts
 * import { summarizeRegret } from "../../core/regret.ts";
 * import { ipdRegretPoints } from "./stage_regret.ts";
 * const points = ipdRegretPoints({ CC: 2, CD: 0, DC: 0, DD: 1 }, ["a", "b"], { T: 5, R: 3, P: 1, S: 0 });
 * console.log(summarizeRegret(points).a); // { n: 3, mean: 1.333333333, total: 4, near_best_share: null }
 * ```
 */
export function ipdRegretPoints(
  counts: IpdJointCounts,
  players: readonly [string, string],
  payoffs: IpdConfig["payoffs"],
  llmAgents: readonly string[] = [],
): RegretPoint[] {
  const out: RegretPoint[] = [];
  for (const [pair, n] of Object.entries(counts) as [keyof IpdJointCounts, number][]) {
    const moves = [pair[0], pair[1]] as [IpdAction, IpdAction];
    for (const i of [0, 1]) {
      const agent = players[i];
      const { best, earned } = ipdStageRegret(moves[i], moves[1 - i], payoffs);
      const point: RegretPoint = { agent, best, earned, llm: llmAgents.includes(agent) };
      for (let k = 0; k < n; k++) out.push(point);
    }
  }
  return out;
}

/**
 * The per-player regret summary of a run from its joint counts, in memory independent of the
 * number of rounds: the same figures as `summarizeRegret(ipdRegretPoints(...))`, added in the
 * same order (so bit-identical), without a point per round.
 *
 * @example
 * ```ts
 * import { ipdRegretSummary } from "./stage_regret.ts";
 * const s = ipdRegretSummary({ CC: 2, CD: 0, DC: 0, DD: 1 }, ["a", "b"], { T: 5, R: 3, P: 1, S: 0 });
 * console.log(s.a.total); // 4
 * ```
 */
export function ipdRegretSummary(
  counts: IpdJointCounts,
  players: readonly [string, string],
  payoffs: IpdConfig["payoffs"],
  llmAgents: readonly string[] = [],
): Record<string, AgentRegret> {
  const tally = new RegretTally();
  for (const [pair, n] of Object.entries(counts) as [keyof IpdJointCounts, number][]) {
    const moves = [pair[0], pair[1]] as [IpdAction, IpdAction];
    for (const i of [0, 1]) {
      const agent = players[i];
      const { best, earned } = ipdStageRegret(moves[i], moves[1 - i], payoffs);
      const llm = llmAgents.includes(agent);
      for (let k = 0; k < n; k++) tally.add(agent, best, earned, llm);
    }
  }
  return tally.summary();
}

/** One player's play against the rational baseline over a run (`summary.json`). */
export interface IpdBaselineLine {
  /** Payoff earned over the run. */
  earned: number;
  /** What the best response to the opponent's actual moves would have earned. */
  best_response_total: number;
  /** Share of rounds in which the player's move was a best response. */
  best_response_share: number;
}

/**
 * Each player's total against the best response's total on the same opponent moves.
 *
 * @param counts The pair counts.
 * @param players The two players.
 * @param payoffs The payoff table.
 * @returns One line per player.
 *
 * @example
 * ```ts
 * import { ipdBaseline } from "./stage_regret.ts";
 * const b = ipdBaseline({ CC: 2, CD: 0, DC: 0, DD: 1 }, ["a", "b"], { T: 5, R: 3, P: 1, S: 0 });
 * console.log(b.a); // { earned: 7, best_response_total: 11, best_response_share: 0.333333333 }
 * ```
 */
export function ipdBaseline(
  counts: IpdJointCounts,
  players: readonly [string, string],
  payoffs: IpdConfig["payoffs"],
): Record<string, IpdBaselineLine> {
  const out: Record<string, IpdBaselineLine> = {};
  const rounds = counts.CC + counts.CD + counts.DC + counts.DD;
  for (const i of [0, 1]) {
    let earned = 0, best = 0, hits = 0;
    for (const [pair, n] of Object.entries(counts) as [keyof IpdJointCounts, number][]) {
      const r = ipdStageRegret(pair[i] as IpdAction, pair[1 - i] as IpdAction, payoffs);
      earned += n * r.earned;
      best += n * r.best;
      if (r.regret <= 0) hits += n;
    }
    out[players[i]] = {
      earned,
      best_response_total: best,
      best_response_share: rounds ? Math.round((hits / rounds) * 1e9) / 1e9 : 0,
    };
  }
  return out;
}
