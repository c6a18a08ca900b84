/**
 * Stage-game regret of every decision of a blockchain run, and the rational baseline's payoff
 * in every round, computed after the run from the decision rows.
 *
 * **Stage-game regret** of miner `i` in round `t` = the payoff of the myopic best response
 * ({@linkcode stageBestResponse}) against what the others actually did in round `t`, minus the
 * reward `i` earned. In this game the others' round-`t` actions do not enter `i`'s round-`t`
 * payoff; only the start-of-round efficiencies do. Those are rebuilt exactly from the rows:
 * the efficiencies of round `t` start where round `t − 1`'s rows left them (`efficiency` of
 * each miner, `honest_efficiency`), and at `eta_init` in round 1. The regret is myopic: in a
 * repeated game it is not an equilibrium test (cooperation can be sustained by future
 * punishment, an attack pays only in later rounds).
 *
 * **Decomposition.** With `A = R·alpha` (build), `P = R·m^beta` (free-ride) and
 * `B = max(A, P)`, the regret of an action `[c, p, d]` whose reward follows the rules is
 * `c·(B − A) + p·(B − P) + d·B + lambda·d²` (each term >= 0, since `c + p + d = 1`): the
 * construction, parasitic and destruction parts.
 *
 * @example
 * ```ts
 * import { parseBlockchainConfig } from "./config.ts";
 * import { stageRegretRows } from "./stage_regret.ts";
 * const config = parseBlockchainConfig({ alpha: [0.6], honest_power: 0.4, miners: ["a"] });
 * const rows = stageRegretRows([
 *   { round: 1, agent: "a", action: [1, 0, 0], reward: 6, efficiency: 1, honest_efficiency: 1 },
 * ], config);
 * console.log(rows[0].best, rows[0].regret); // 10 4 (free-riding on an efficiency of 1 pays 10)
 * ```
 * @module
 */
import type { RegretPoint } from "../../core/regret.ts";
import { stageBestResponse } from "./best_response.ts";
import type { BlockchainConfig } from "./config.ts";
import { type Cpd, meanOtherEfficiency } from "./rules.ts";

/** The fields of a decision row the regret reads (a `decisions.jsonl` row fits). */
export interface RegretInputRow {
  /** The round, 1-based. */
  round: number;
  /** The miner's name (one of `config.miners`). */
  agent: string;
  /** The normalised action `[c, p, d]` that was played. */
  action: readonly number[];
  /** The reward earned. */
  reward: number;
  /** Own efficiency after the round's update. */
  efficiency: number;
  /** The honest group's efficiency after the round's update. */
  honest_efficiency: number;
  /** `true` for an LLM seat (or the replay of one). @default {false} */
  llm?: boolean;
}

/** One decision against the rational baseline. */
export interface StageRegretRow {
  /** The round, 1-based. */
  round: number;
  /** The miner. */
  agent: string;
  /** `true` for an LLM seat. */
  llm: boolean;
  /** The action played. */
  action: Cpd;
  /** Mean efficiency of the other participants at the start of the round. */
  m: number;
  /** The myopic best response in that state. */
  best_action: Cpd;
  /** The rational baseline's payoff: what the best response would have earned. */
  best: number;
  /** Payoff of pure construction in that state (`R·alpha`). */
  construct_payoff: number;
  /** Payoff of pure free-riding in that state (`R·m^beta`). */
  free_ride_payoff: number;
  /** The reward actually earned (the row's `reward`). */
  earned: number;
  /** `best − earned` (>= 0 up to float noise for rows the engine wrote). */
  regret: number;
  /** `c·(B − A)`: regret from building when free-riding paid more. */
  construct_regret: number;
  /** `p·(B − P)`: regret from free-riding when building paid more. */
  parasitic_regret: number;
  /** `d·B + lambda·d²`: regret from attacking (never myopically rational). */
  destroy_regret: number;
}

/**
 * The input of {@linkcode stageRegretRows} from decision-frame records (the `c`, `p`, `d`
 * columns of `loadBlockchainDecisions`, its `llm` flag).
 *
 * @param records Records with `round`, `agent`, `c`, `p`, `d`, `reward`, `efficiency`,
 * `honest_efficiency` and `llm`.
 * @returns The rows, in the records' order.
 */
export function regretInputOf(records: readonly Record<string, unknown>[]): RegretInputRow[] {
  return records.map((r) => ({
    round: Number(r.round),
    agent: String(r.agent),
    action: [Number(r.c), Number(r.p), Number(r.d)],
    reward: Number(r.reward),
    efficiency: Number(r.efficiency),
    honest_efficiency: Number(r.honest_efficiency),
    llm: r.llm === true,
  }));
}

/**
 * Every decision's stage-game regret and the baseline payoff, in round then miner order.
 * A decision whose start-of-round state is unknown (a miner's row of the previous round is
 * missing) is left out.
 *
 * @param rows Decision rows of one run (any order).
 * @param config The run's config (miners, hash powers, `eta_init`, `R`, `beta`, `lambda`).
 * @returns One record per decision whose state is known.
 * @throws {RangeError} When a row names a miner the config does not have.
 *
 * @example
 * ```ts
 * import { parseBlockchainConfig } from "./config.ts";
 * import { stageRegretRows } from "./stage_regret.ts";
 * const config = parseBlockchainConfig({ alpha: [0.6], honest_power: 0.4, miners: ["a"] });
 * const [row] = stageRegretRows([
 *   { round: 1, agent: "a", action: [0, 1, 0], reward: 10, efficiency: 1, honest_efficiency: 1 },
 * ], config);
 * console.log(row.best_action, row.regret); // [0, 1, 0] 0
 * ```
 */
export function stageRegretRows(
  rows: readonly RegretInputRow[],
  config: Pick<
    BlockchainConfig,
    "miners" | "alpha" | "honest_power" | "eta_init" | "R" | "beta" | "lambda"
  >,
): StageRegretRow[] {
  const n = config.miners.length;
  const index = new Map(config.miners.map((m, i) => [m, i]));
  // after[round] = efficiencies of miners 0..n-1 and the honest group after that round
  const after = new Map<number, (number | undefined)[]>();
  after.set(0, Array(n + 1).fill(config.eta_init));
  for (const r of rows) {
    const i = index.get(r.agent);
    if (i === undefined) {
      throw new RangeError(
        `Cannot compute stage regret: row of round ${r.round} names '${r.agent}', not a miner of the config`,
      );
    }
    const etas = after.get(r.round) ?? Array(n + 1).fill(undefined);
    etas[i] = r.efficiency;
    etas[n] = r.honest_efficiency;
    after.set(r.round, etas);
  }
  const alphas = [...config.alpha, config.honest_power];
  const out: StageRegretRow[] = [];
  const sorted = [...rows].sort((a, b) =>
    a.round - b.round || index.get(a.agent)! - index.get(b.agent)!
  );
  for (const r of sorted) {
    const start = after.get(r.round - 1);
    if (!start || start.some((x) => x === undefined)) continue;
    const i = index.get(r.agent)!;
    out.push(stageRegretRow(r, meanOtherEfficiency(start as number[], i), alphas[i], config));
  }
  return out;
}

/**
 * One decision against the myopic best response, given the mean efficiency `m` of the
 * others at the start of its round: what {@linkcode stageRegretRows} computes per row, and
 * what the engine's running tally computes as it plays (`tally.ts`), so both agree to the bit.
 *
 * @param r The decision (`round`, `agent`, `action`, `reward`, `llm`).
 * @param m Mean efficiency of the other participants at the start of the round.
 * @param alpha The miner's hash power.
 * @param config `R`, `beta`, `lambda`.
 * @returns The regret row.
 */
export function stageRegretRow(
  r: Pick<RegretInputRow, "round" | "agent" | "action" | "reward" | "llm">,
  m: number,
  alpha: number,
  config: Pick<BlockchainConfig, "R" | "beta" | "lambda">,
): StageRegretRow {
  const br = stageBestResponse(alpha, m, config);
  const [c, p, d] = r.action;
  const b = br.value;
  return {
    round: r.round,
    agent: r.agent,
    llm: r.llm === true,
    action: [c, p, d],
    m,
    best_action: br.action,
    best: b,
    construct_payoff: br.construct,
    free_ride_payoff: br.freeRide,
    earned: r.reward,
    regret: b - r.reward,
    construct_regret: c * (b - br.construct),
    parasitic_regret: p * (b - br.freeRide),
    destroy_regret: d * b + config.lambda * d * d,
  };
}

/**
 * The rows as the shared {@linkcode RegretPoint}s of `lib/core/regret.ts`, for
 * `summarizeRegret`.
 *
 * @param rows From {@linkcode stageRegretRows}.
 * @returns One point per row.
 */
export function regretPoints(rows: readonly StageRegretRow[]): RegretPoint[] {
  return rows.map((r) => ({ agent: r.agent, best: r.best, earned: r.earned, llm: r.llm }));
}
