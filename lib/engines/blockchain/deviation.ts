/**
 * Stability by deviation runs: from round `k`, one seat's policy is replaced by a deviation
 * (the myopic best response, always attack `[0, 0, 1]`, always free-ride `[0, 1, 0]`) while
 * the other seats keep their play; the deviating seat's payoff over rounds `k..T` is compared
 * with what the same seat earned over those rounds without the deviation.
 *
 * Seats are either **closed-loop** (a scripted policy, re-played: it reacts to the deviation)
 * or **open-loop** (recorded actions replayed as they were, e.g. the replies of an LLM
 * seat, which cannot be re-asked offline: such a seat does *not* react to the deviation, and
 * the result says so in `open_loop` and `note`).
 *
 * **Interval.** Each seed gives one paired difference (deviated minus baseline, same seed,
 * so rounds `1..k−1` are identical); the gain is reported as the mean over seeds with a
 * Student-t interval across seeds (`meanCI` of `lib/analysis/stats.ts`). Seeds are the
 * independent replications (the policies' random streams); rounds within a run are not
 * (efficiencies carry over), so no interval is taken across rounds. When every seat is
 * deterministic (scripted deterministic policies, replayed actions), every seed gives the
 * same difference and the interval has zero width: the number is exact. With one seed the
 * interval is unbounded.
 *
 * A deviation is **profitable** when the interval's lower bound exceeds
 * {@linkcode PROFITABLE_GAIN_MIN}. This tests one deviation from one round; it is evidence
 * about stability, not a proof of equilibrium.
 *
 * @example
 * ```ts
 * import { parseBlockchainConfig } from "./config.ts";
 * import { deviationRun } from "./deviation.ts";
 * const config = parseBlockchainConfig({ rounds: 10 });
 * const r = await deviationRun({
 *   config,
 *   seats: [{ policy: "honest" }, { policy: "honest" }, { policy: "honest" }],
 *   seat: 0,
 *   from: 5,
 *   deviation: "always_free_ride",
 * });
 * console.log(r.mean_gain > 0, r.profitable); // true true
 * ```
 * @module
 */
import { meanCI } from "../../analysis/stats.ts";
import { Rng } from "../../core/rng.ts";
import type { BlockchainConfig } from "./config.ts";
import { BlockchainEngine } from "./engine.ts";
import {
  BestResponsePolicy,
  type BlockchainAgent,
  createPolicy,
  PolicyAgent,
  ReplayPolicy,
} from "./policies.ts";
import type { Cpd } from "./rules.ts";

/** The deviations {@linkcode deviationRun} plays. */
export const DEVIATION_KINDS = ["best_response", "always_attack", "always_free_ride"] as const;

/** A deviation's name. */
export type DeviationKind = typeof DEVIATION_KINDS[number];

/**
 * Smallest mean gain, over the rounds from `k`, that counts as profitable (strictly above,
 * at the interval's lower bound): `1e-9`, so float noise in a zero difference is not a gain.
 */
export const PROFITABLE_GAIN_MIN = 1e-9;

/**
 * Whether a deviation is profitable: the lower bound of its gain's interval is strictly
 * above {@linkcode PROFITABLE_GAIN_MIN}.
 *
 * @param ciLow The interval's lower bound.
 * @returns `ciLow > PROFITABLE_GAIN_MIN`.
 *
 * @example
 * ```ts
 * import { isProfitable } from "./deviation.ts";
 * console.log(isProfitable(1e-9), isProfitable(2e-9)); // false true
 * ```
 */
export function isProfitable(ciLow: number): boolean {
  return ciLow > PROFITABLE_GAIN_MIN;
}

/** How a seat plays: a scripted policy (closed-loop) or recorded actions (open-loop). */
export type SeatPlay =
  | { policy: string }
  | { actions: readonly (readonly number[])[] };

/** Options of {@linkcode deviationRun}. */
export interface DeviationOptions {
  /** The game config. */
  config: BlockchainConfig;
  /** One per miner, in `config.miners` order. */
  seats: readonly SeatPlay[];
  /** The deviating seat: its index or its miner name. */
  seat: number | string;
  /** First round of the deviation, `1..rounds`. */
  from: number;
  /** The deviation. */
  deviation: DeviationKind;
  /** Seeds of the paired runs (each seeds the policies' streams). @default {[1, 2, 3, 4, 5]} */
  seeds?: readonly number[];
  /** Confidence level of the interval. @default {0.95} */
  level?: number;
}

/** What {@linkcode deviationRun} returns. */
export interface DeviationResult {
  /** The deviating miner. */
  agent: string;
  /** The deviation played from round `from`. */
  deviation: DeviationKind;
  /** First round of the deviation. */
  from: number;
  /** Rounds compared (`from..rounds`). */
  rounds: number;
  /** The seeds, in order. */
  seeds: number[];
  /** Per seed: the seat's reward summed over rounds `from..rounds` without the deviation. */
  baseline: number[];
  /** Per seed: the same sum with the deviation. */
  deviated: number[];
  /** Per seed: `deviated − baseline`. */
  gain: number[];
  /** Mean gain over seeds. */
  mean_gain: number;
  /** Lower bound of the t interval across seeds (`-Infinity` with one seed). */
  ci_low: number;
  /** Upper bound (`Infinity` with one seed). */
  ci_high: number;
  /** The interval's level. */
  level: number;
  /** Mean gain over seeds of each other miner (how the deviation moves the others). */
  others_gain: Record<string, number>;
  /** `ci_low > PROFITABLE_GAIN_MIN`. */
  profitable: boolean;
  /** `true` when another seat replays recorded actions (it does not react). */
  open_loop: boolean;
  /** One sentence on how the others played. */
  note: string;
}

/** Always the same action (the always-attack and always-free-ride deviations). */
class FixedPolicy extends PolicyAgent {
  #action: Cpd;
  constructor(name: string, kind: string, action: Cpd) {
    super(name, kind, new Rng(0));
    this.#action = action;
  }
  act() {
    return Promise.resolve({ action: [...this.#action] });
  }
}

/** Plays `before` for rounds `< from`, then `after`. */
class SwitchAgent implements BlockchainAgent {
  readonly name: string;
  readonly kind: string;
  constructor(
    readonly before: BlockchainAgent,
    readonly after: BlockchainAgent,
    readonly from: number,
  ) {
    this.name = before.name;
    this.kind = `${before.kind}->${after.kind}@${from}`;
  }
  act(context: Parameters<BlockchainAgent["act"]>[0]) {
    return (context.round < this.from ? this.before : this.after).act(context);
  }
  getState() {
    return { before: this.before.getState(), after: this.after.getState() };
  }
  setState(): void {
    throw new TypeError("Cannot set state of a deviation seat");
  }
}

function deviant(kind: DeviationKind, name: string, config: BlockchainConfig): BlockchainAgent {
  switch (kind) {
    case "best_response":
      return new BestResponsePolicy(name, new Rng(0), config);
    case "always_attack":
      return new FixedPolicy(name, "always_attack", [0, 0, 1]);
    case "always_free_ride":
      return new FixedPolicy(name, "always_free_ride", [0, 1, 0]);
  }
}

function seatAgent(play: SeatPlay, index: number, config: BlockchainConfig, seed: number) {
  const name = config.miners[index];
  if ("actions" in play) return new ReplayPolicy(name, play.actions);
  // the same stream as a CLI run of this seed (`ctx.rng.derive("agent:<name>")`)
  return createPolicy(play.policy, { rng: new Rng(seed).derive(`agent:${name}`), config, index });
}

/** Plays a whole game; returns each miner's reward per round (`[round - 1][seat]`). */
async function play(config: BlockchainConfig, agents: BlockchainAgent[]): Promise<number[][]> {
  const engine = new BlockchainEngine(config);
  let view = engine.reset({ seed: 0 });
  const rewards: number[][] = [];
  while (!engine.isDone()) {
    const round = engine.round + 1;
    const ds = await Promise.all(
      agents.map((a) =>
        a.act({
          agent: a.name,
          round,
          observation: view.observations[a.name],
          info: view.infos[a.name],
        })
      ),
    );
    const step = engine.step(
      Object.fromEntries(
        agents.map((a, i) => [a.name, ds[i].action ?? engine.fallbackAction(a.name)]),
      ),
    );
    rewards.push(agents.map((a) => step.rewards[a.name]));
    view = step;
  }
  return rewards;
}

/**
 * Plays paired runs (without and with the deviation) for each seed and reports the deviating
 * seat's gain over rounds `from..rounds` with a t interval across seeds.
 *
 * @param options Config, seats, the deviating seat, the round and the deviation, seeds.
 * @returns The per-seed sums and gains, the mean gain and its interval, and how the others played.
 * @throws {RangeError} For a bad seat, round, deviation, seed list or seat count, or an
 * unknown policy name.
 *
 * @example
 * ```ts
 * import { parseBlockchainConfig } from "./config.ts";
 * import { deviationRun } from "./deviation.ts";
 * const config = parseBlockchainConfig({ rounds: 20 });
 * const r = await deviationRun({
 *   config,
 *   seats: [{ policy: "best_response" }, { policy: "tit_for_tat" }, { policy: "random" }],
 *   seat: "miner_a",
 *   from: 10,
 *   deviation: "always_attack",
 * });
 * console.log(r.mean_gain < 0, r.ci_low, r.ci_high);
 * ```
 */
export async function deviationRun(options: DeviationOptions): Promise<DeviationResult> {
  const { config, seats, from, deviation, seeds = [1, 2, 3, 4, 5], level = 0.95 } = options;
  const seat = checkedSeat(options, seeds);
  const agent = config.miners[seat];
  const { baseline, deviated, others } = await pairedRuns(options, seat, seeds);
  const gain = deviated.map((d, k) => d - baseline[k]);
  const ci = meanCI(gain, { level });
  const openLoop = seats.some((s, i) => i !== seat && "actions" in s);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    agent,
    deviation,
    from,
    rounds: config.rounds - from + 1,
    seeds: [...seeds],
    baseline,
    deviated,
    gain,
    mean_gain: ci.mean,
    // zero spread gives an exact interval (meanCI's sd is 0, its half-width 0)
    ci_low: ci.lo,
    ci_high: ci.hi,
    level,
    others_gain: Object.fromEntries(
      config.miners.map((m, i) => [m, mean(others[i])]).filter(([m]) => m !== agent),
    ),
    profitable: isProfitable(ci.lo),
    open_loop: openLoop,
    note: openLoop
      ? "Open-loop: seats with recorded actions replay them as they were; they do not react to the deviation."
      : "Closed-loop: every other seat re-plays its policy and may react to the deviation.",
  };
}

/** Checks the options of {@linkcode deviationRun}; returns the deviating seat's index. */
function checkedSeat(options: DeviationOptions, seeds: readonly number[]): number {
  const { config, seats, from, deviation } = options;
  const n = config.miners.length;
  if (seats.length !== n) {
    throw new RangeError(
      `Cannot run deviation: expected ${n} seats (one per miner), got ${seats.length}`,
    );
  }
  const seat = typeof options.seat === "string"
    ? config.miners.indexOf(options.seat)
    : options.seat;
  if (!Number.isInteger(seat) || seat < 0 || seat >= n) {
    throw new RangeError(
      `Cannot run deviation: 'seat' must be a miner name or an index in 0..${
        n - 1
      }, got ${options.seat}`,
    );
  }
  if (!Number.isInteger(from) || from < 1 || from > config.rounds) {
    throw new RangeError(
      `Cannot run deviation: 'from' must be a round in 1..${config.rounds}, got ${from}`,
    );
  }
  if (!(DEVIATION_KINDS as readonly string[]).includes(deviation)) {
    throw new RangeError(
      `Cannot run deviation: unknown deviation '${deviation}', expected one of ${
        DEVIATION_KINDS.join(", ")
      }`,
    );
  }
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s))) {
    throw new RangeError("Cannot run deviation: 'seeds' must be a non-empty list of integers");
  }
  return seat;
}

/**
 * Per seed, the game without and with the deviation: the deviating seat's payoff over
 * rounds `from..rounds` in each, and every seat's change over those rounds.
 */
async function pairedRuns(options: DeviationOptions, seat: number, seeds: readonly number[]) {
  const { config, seats, from, deviation } = options;
  const sumFrom = (rewards: number[][], i: number) =>
    rewards.slice(from - 1).reduce((s, r) => s + r[i], 0);
  const baseline: number[] = [];
  const deviated: number[] = [];
  const others: number[][] = config.miners.map(() => []);
  for (const seed of seeds) {
    const base = await play(config, seats.map((s, i) => seatAgent(s, i, config, seed)));
    const agents = seats.map((s, i) => seatAgent(s, i, config, seed));
    const switched = deviant(deviation, config.miners[seat], config);
    agents[seat] = new SwitchAgent(agents[seat], switched, from);
    const dev = await play(config, agents);
    baseline.push(sumFrom(base, seat));
    deviated.push(sumFrom(dev, seat));
    config.miners.forEach((_, i) => others[i].push(sumFrom(dev, i) - sumFrom(base, i)));
  }
  return { baseline, deviated, others };
}

/**
 * The seats of a recorded run for {@linkcode deviationRun}: a `policy:<name>` seat re-plays
 * its policy (closed-loop), any other (LLM, replay) replays its recorded actions (open-loop).
 *
 * @param rows Decision rows of one run (`round`, `agent`, `action`, `kind`).
 * @param miners The miners in config order.
 * @returns One seat per miner.
 * @throws {RangeError} When a miner has no rows.
 *
 * @example
 * ```ts
 * import { seatsFromRows } from "./deviation.ts";
 * const seats = seatsFromRows([
 *   { round: 1, agent: "a", action: [1, 0, 0], kind: "policy:honest" },
 *   { round: 1, agent: "b", action: [0, 1, 0], kind: "openai:gpt-4o-mini" },
 * ], ["a", "b"]);
 * console.log(seats); // [{ policy: "honest" }, { actions: [[0, 1, 0]] }]
 * ```
 */
export function seatsFromRows(
  rows: readonly {
    round: number;
    agent: string;
    action: readonly number[];
    kind?: string | null;
  }[],
  miners: readonly string[],
): SeatPlay[] {
  return miners.map((m) => {
    const mine = rows.filter((r) => r.agent === m).sort((a, b) => a.round - b.round);
    if (mine.length === 0) throw new RangeError(`Cannot build seats: no rows for '${m}'`);
    const kind = mine.find((r) => r.kind)?.kind ?? "";
    const policy = /^policy:(.+)$/.exec(kind)?.[1];
    return policy && policy !== "replay" ? { policy } : { actions: mine.map((r) => [...r.action]) };
  });
}
