/**
 * The delegation mechanism (SPEC section 3) as a step-at-a-time engine: at each step the
 * mechanism picks one provider, that provider alone acts, and its action is the model it
 * serves (a model name). The four phases run in order (exploration, exploitation with early
 * stop and bonus, incentive, utility-based) and stop when `t = T` in every phase. Each rule is
 * a file: `mechanism.ts` lists the phases, `exploration.ts`, `exploitation.ts`,
 * `early_stop.ts`, `incentive.ts` and `utility_based.ts` hold them, `serve.ts` prices and books
 * one delegation; this file validates actions and speaks the shared engine contract.
 *
 * Design notes:
 * - **The run's stream** ({@linkcode DelegationEngine.stream}) is owned by the engine and is
 *   part of its state. The mechanism draws the best-provider tie-break (always) and the
 *   phase-4 draws from it, each at the moment the original makes it (the engine advances
 *   to the next delegation right after each step). The `random` strategy draws its model
 *   index from the SAME stream when it acts (see `strategies.ts`), which keeps the order
 *   of draws identical to the original simulator.
 * - **State is O(K)**: per-provider running sums, the phase cursor, the phase-1 results and
 *   the stream. The one exception is the exploitation early-stop window (the best
 *   provider's last `B` utilities, `B = T^(2 epsilon)`), held only while exploitation runs.
 *   The delegation history is not state: each step's delegation record is in
 *   `infos[provider].delegation` of the step result, for the run layer to log.
 * - **Rewards**: the acting provider's provider-utility increment `eta * price - cost`;
 *   0 for the others. `returns()` is their sum (each provider's utility).
 * - **Observations** are given to the provider about to act (and to the one that just
 *   acted): the phase, time, planned exploitation, second-best utility and its own
 *   cumulative reward, which is all the SPEC's strategies use.
 * - `round` is the number of delegations so far (`t`).
 * - **`mechanism: "none"`** plays the no-mechanism user of `counterfactual.ts` as real
 *   steps: exploration as above (the same draws), then every remaining task to the best
 *   provider (`planned = T - t`), seen as phase 2 with `secondBestUtility = 0`; no early
 *   stop, bonus, incentive or utility-based phase.
 *
 * @example
 * ```ts
 * import { parseDelegationConfig } from "./config.ts";
 * import { DelegationEngine } from "./engine.ts";
 * const engine = new DelegationEngine(parseDelegationConfig({ T: 100 }));
 * engine.reset({ seed: 1 });
 * while (!engine.isDone()) {
 *   const [p] = engine.liveAgents();
 *   engine.step({ [p]: engine.fallbackAction(p) });
 * }
 * console.log(engine.round <= 100); // true
 * ```
 * @module
 */
import type { AgentId, Engine, GameEvent, ResetResult, StepResult } from "../../core/game.ts";
import type { DelegationConfig } from "./config.ts";
import { explorationBlock, mechanismM } from "./parameters.ts";
import { createStream, type RunStream } from "./python_random.ts";
import { placeholderRecords, syntheticRecords, type TaskRecords } from "./records.ts";
import { buildTables, type DelegationTables } from "./tables.ts";
import type {
  DelegationInfo,
  DelegationObs,
  DelegationRecord,
  DelegationState,
  ExplorationResult,
  LiveOutcome,
  Mechanism,
  Phase,
  ProviderTables,
} from "./types.ts";
import { advance, createMechanism, observe } from "./mechanism.ts";
import { auditDelegation } from "./early_stop.ts";
import { phaseSlot, serveLive, servePriced, serveRecorded } from "./serve.ts";
import { createPricingHistory, mechanismState, resetMechanism, restoreMechanism } from "./state.ts";
import {
  createPricingPolicy,
  fixedMarkup,
  isDynamicPricing,
  MAX_MARKUP,
  type PricingPolicy,
} from "./pricing.ts";
import { PHASE_SLOTS } from "./types.ts";

export type {
  DelegationInfo,
  DelegationObs,
  DelegationRecord,
  DelegationState,
  ExplorationResult,
  LiveOutcome,
  Phase,
  ProviderSums,
} from "./types.ts";
export { PHASE_NAMES } from "./types.ts";

/** The largest early-stop window the engine holds (`B` beyond it is a config error). */
export const MAX_WINDOW = 10_000_000;

/** Options of {@linkcode DelegationEngine.reset}. */
export interface DelegationResetOptions {
  /** The run's seed. */
  seed: number;
  /**
   * Use this stream as the run's stream instead of a fresh one seeded with `seed` (e.g. the
   * study's chained mode: one stream through many runs). The engine adopts the object.
   */
  stream?: RunStream;
}

/** Options of the {@linkcode DelegationEngine} constructor. */
export interface DelegationEngineOptions {
  /** The task records; required for `records.mode = "recorded"` (load them with `loadRecordedRecords`). */
  records?: TaskRecords;
}

const NO_EVENTS: GameEvent[] = Object.freeze([]) as unknown as GameEvent[];

/** Checks the sizes and the records a config needs. */
function checkEngineConfig(config: DelegationConfig, B: number, records?: TaskRecords): void {
  if (B > MAX_WINDOW) {
    throw new RangeError(
      `Cannot build delegation engine: B = T^(2 epsilon) = ${B} exceeds ${MAX_WINDOW}; lower 'epsilon' or 'T'`,
    );
  }
  if (config.records.mode === "recorded" && !records) {
    throw new TypeError(
      "Cannot build delegation engine: recorded mode needs 'records' (loadRecordedRecords)",
    );
  }
}

/** The delegation engine. */
export class DelegationEngine
  implements Engine<string, DelegationObs, DelegationInfo, DelegationState> {
  readonly name = "delegation";
  readonly agents: readonly AgentId[];
  /** The parsed config the engine was created with. */
  readonly config: DelegationConfig;
  /** `B = floor(T^(2 epsilon))`. */
  readonly B: number;
  /** `M = T^(-epsilon) ln(K T)`. */
  readonly M: number;
  /** Providers in the game. */
  readonly K: number;
  /** Delegations in the whole game. */
  readonly T: number;
  #records: TaskRecords | undefined;
  #recordsSeed = NaN;
  #tables: DelegationTables | undefined;
  #modelIndex: Map<string, number>[];
  #m: Mechanism;
  #live = false;
  #pending: LiveOutcome | null = null;
  #last: DelegationRecord | null = null;
  #seed = 0;
  /** Per provider its dynamic pricing policy (`null`: fixed); `null` when all are fixed. */
  #policies: (PricingPolicy | null)[] | null;
  /** Per provider its fixed markup (1 for a dynamic policy; live mode applies it). */
  #fixedMarkups: number[];
  #zeroRewards: Record<AgentId, number>;
  #falseFlags: Record<AgentId, boolean>;
  #trueFlags: Record<AgentId, boolean>;

  /**
   * Creates an engine; call `reset` before the first step.
   *
   * @param config A parsed config (`parseDelegationConfig`).
   * @param options `records` for recorded mode.
   */
  constructor(config: DelegationConfig, options: DelegationEngineOptions = {}) {
    this.config = config;
    this.agents = config.providers.map((p) => p.name);
    this.K = config.providers.length;
    this.T = config.T;
    this.B = explorationBlock(config.T, config.epsilon);
    this.M = mechanismM(config.T, this.K, config.epsilon);
    checkEngineConfig(config, this.B, options.records);
    if (config.records.mode === "live") {
      // prices and model ranks only: rewards and tokens come from supplyOutcome()
      this.#live = true;
      this.#records = placeholderRecords(config.providers.flatMap((p) => p.models));
      this.#tables = buildTables(config, this.#records);
    } else if (options.records) {
      this.#records = options.records;
      this.#tables = buildTables(config, options.records);
    }
    this.#modelIndex = config.providers.map((p) => new Map(p.models.map((m, i) => [m, i])));
    const { K, T, B, M } = this;
    const stream = createStream(config.rng, 0);
    this.#m = createMechanism({ K, T, B, M, none: config.mechanism === "none" }, stream);
    const policies = config.providers.map((p) =>
      isDynamicPricing(p.pricing) ? createPricingPolicy(p.pricing!) : null
    );
    this.#policies = policies.some((x) => x !== null) ? policies : null;
    if (this.#policies) this.#m.pricing = createPricingHistory(K);
    this.#fixedMarkups = config.providers.map((p) => fixedMarkup(p.pricing));
    this.#zeroRewards = Object.fromEntries(this.agents.map((a) => [a, 0]));
    this.#falseFlags = Object.freeze(Object.fromEntries(this.agents.map((a) => [a, false])));
    this.#trueFlags = Object.freeze(Object.fromEntries(this.agents.map((a) => [a, true])));
    this.reset({ seed: 0 });
  }

  /** The run's random stream (the `random` strategy draws from it). */
  get stream(): RunStream {
    return this.#m.stream;
  }

  /** The lookup tables in use (built from the records). */
  get tables(): DelegationTables {
    return this.#tables!;
  }

  /** The task records in use. */
  get records(): TaskRecords {
    return this.#records!;
  }

  get round(): number {
    return this.#m.t;
  }

  /** `true` in live mode: each step needs {@linkcode supplyOutcome} first. */
  get live(): boolean {
    return this.#live;
  }

  /** The run's seed (live tasks and synthetic records derive from it). */
  get seed(): number {
    return this.#seed;
  }

  /**
   * Live mode: what the served model did on the task of the next step. The next `step()`
   * uses it (its provider and model must be the step's) and clears it.
   *
   * @throws {TypeError} Outside live mode, or for a bad score or token count.
   */
  supplyOutcome(outcome: LiveOutcome): void {
    if (!this.#live) throw new TypeError("Cannot supply an outcome: the engine is not live");
    const { score, input, output } = outcome;
    if (!(score >= 0 && score <= 1)) {
      throw new TypeError(`Cannot supply an outcome: 'score' must be in [0, 1], got ${score}`);
    }
    for (const [k, v] of [["input", input], ["output", output]] as const) {
      if (!Number.isInteger(v) || v < 0) {
        throw new TypeError(`Cannot supply an outcome: '${k}' must be an integer >= 0, got ${v}`);
      }
    }
    this.#pending = { ...outcome };
  }

  /** The phase-1 results, once exploration is over. */
  get exploration(): ExplorationResult | null {
    return this.#m.exploration;
  }

  #ensureRecords(seed: number): void {
    if (this.config.records.mode !== "synthetic") return;
    if (this.#tables && this.#recordsSeed === seed) return;
    const models = this.config.providers.flatMap((p) => p.models);
    this.#records = syntheticRecords(models, seed, this.config.records.tasks);
    this.#tables = buildTables(this.config, this.#records);
    this.#recordsSeed = seed;
  }

  reset(options: DelegationResetOptions): ResetResult<DelegationObs, DelegationInfo> {
    const { seed, stream } = options;
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Cannot reset: 'seed' must be an integer, got ${seed}`);
    }
    this.#seed = seed;
    this.#ensureRecords(seed);
    resetMechanism(this.#m, stream ?? createStream(this.config.rng, seed));
    this.#pending = null;
    this.#last = null;
    advance(this.#m);
    return this.view();
  }

  view(): ResetResult<DelegationObs, DelegationInfo> {
    const observations: Record<AgentId, DelegationObs> = {};
    const infos: Record<AgentId, DelegationInfo> = {};
    const last = this.#last;
    if (last) {
      const i = last.provider_id - 1;
      observations[last.provider] = observe(this.#m, i);
      infos[last.provider] = { delegation: last };
    }
    const a = this.#m.actor;
    if (a >= 0 && (!last || last.provider_id - 1 !== a)) {
      observations[this.agents[a]] = observe(this.#m, a);
      infos[this.agents[a]] = { delegation: null };
    }
    return { observations, infos };
  }

  /** The index of `model` among provider `i`'s models. */
  #modelOf(i: number, model: string): number {
    const j = this.#modelIndex[i].get(model);
    return j === undefined ? this.#badAction(i, model) : j;
  }

  #badAction(i: number, model: string): never {
    throw new TypeError(
      `Cannot step: action of '${this.agents[i]}' must be one of its models (${
        this.config.providers[i].models.join(", ")
      }), got ${model}`,
    );
  }

  /** Live mode: serves and books the outcome supplied for this step (see `serve.ts`). */
  #serveLive(i: number, j: number, p: ProviderTables): DelegationRecord {
    const name = this.agents[i], model = p.models[j], x = this.#pending;
    if (!x || x.provider !== name || x.model !== model) {
      throw new TypeError(
        `Cannot step: live mode needs the outcome of '${name}' serving '${model}' at t = ${this.#m.t} (supplyOutcome)`,
      );
    }
    this.#pending = null;
    const dynamic = this.#policies?.[i] ? true : false;
    const markup = dynamic ? this.#markupOf(i) : this.#fixedMarkups[i];
    return serveLive(this.#m, p, i, j, x, this.config.reward_scale, markup, dynamic);
  }

  /**
   * Per provider and phase slot: delegations, reward, user utility, payments, provider
   * utility (index `5 * (5 * i + slot) + field`), a copy; `null` when not known (restored
   * past the start from a state: they are not part of it).
   */
  get phaseSums(): Float64Array | null {
    const b = this.#m.sums.byPhase;
    return Number.isNaN(b[0]) ? null : b.slice();
  }

  /** `true` when some provider prices dynamically (`pricing.ts`). */
  get dynamicPricing(): boolean {
    return this.#policies !== null;
  }

  /**
   * The markup provider `i`'s dynamic policy sets for the step at hand (the seed's
   * `set_cost(t, mechanism_info)`), its history moved on to include this delegation.
   */
  #markupOf(i: number): number {
    const m = this.#m, h = m.pricing!, t = m.t, ex = m.exploration;
    const last = h.last[i];
    // `last` is -1 before the first delegation: neither a streak nor a return
    const served = last >= 0, cont = served && last === t - 1;
    const streak = cont ? h.streak[i] : 0;
    const passes = h.passes[i] + (served && !cont ? 1 : 0);
    const s = m.sums;
    const markup = this.#policies![i]!.setCost(t, {
      t,
      T: m.T,
      phase: PHASE_SLOTS[phaseSlot(m.phase as Phase, m.phase === 2 && m.block === 1)],
      provider_id: i + 1,
      delegations: s.n[i],
      last_served: last,
      streak,
      passes,
      rewards: s.reward[i],
      payments: s.price[i],
      provider_utility: s.providerUtility[i],
      last_markup: h.markup[i],
      is_best: ex ? ex.best === i : false,
      planned: ex ? ex.planned : 0,
      second_best_utility: ex ? ex.secondBestUtility : 0,
    });
    if (!(typeof markup === "number" && markup >= 0 && markup <= MAX_MARKUP)) {
      throw new RangeError(
        `Cannot step: pricing policy '${this.#policies![i]!.name}' of '${
          this.agents[i]
        }' set markup ${markup} at t = ${t}; expected a number in [0, ${MAX_MARKUP}]`,
      );
    }
    h.last[i] = t;
    h.streak[i] = streak + 1;
    h.passes[i] = passes;
    h.markup[i] = markup;
    return markup;
  }

  /** Audits the delegation just served (`early_stop.ts`); the event when the rule fires. */
  #audit(record: DelegationRecord, provider: AgentId, time: number): GameEvent[] {
    const recent = auditDelegation(this.#m, record.phase, record.bonus, record.user_utility);
    if (recent === null) return NO_EVENTS;
    return [{ type: "early_stop", provider, time, recent_utility: recent }];
  }

  /**
   * Moves to the next block or phase once the current one is over (the mechanism's draws),
   * adding the end of exploration to the step's `events` when it just ended.
   */
  #nextBlock(phase: Phase, events: GameEvent[]): GameEvent[] {
    const m = this.#m;
    advance(m);
    if (phase !== 1 || m.phase === 1) return events;
    const ex = m.exploration!;
    const e: GameEvent = {
      type: "exploration_done",
      best: this.agents[ex.best],
      second: ex.second >= 0 ? this.agents[ex.second] : null,
      planned: ex.planned,
    };
    return events === NO_EVENTS ? [e] : [...events, e];
  }

  step(actions: Record<AgentId, string>): StepResult<DelegationObs, DelegationInfo> {
    const m = this.#m;
    const i = m.actor;
    if (i < 0) throw new RangeError("Cannot step: the game is over");
    const name = this.agents[i];
    const model = actions[name];
    const j = this.#modelOf(i, model);
    const p = this.#tables!.providers[i];
    // One call serves, books and makes the record; the result is built here, not in a helper:
    // the fewer calls on this path, the more of it V8 inlines (the bare loop is ~20% faster).
    const pol = this.#policies;
    const record = this.#live
      ? this.#serveLive(i, j, p)
      : pol === null || pol[i] === null
      ? serveRecorded(m, p, i, j, this.#records!.taskIds, name, model)
      : servePriced(m, p, i, j, this.#records!.taskIds, name, model, this.#markupOf(i));
    this.#last = record;
    const t = m.t++;
    m.left--;
    const phase = record.phase;
    let events = this.#audit(record, name, t);
    if (!(m.left > 0 && m.t < m.T)) events = this.#nextBlock(phase, events);
    const rewards = { ...this.#zeroRewards };
    rewards[name] = record.provider_utility;
    const observations: Record<AgentId, DelegationObs> = {};
    const infos: Record<AgentId, DelegationInfo> = {};
    observations[name] = observe(m, i);
    infos[name] = { delegation: record };
    const a = m.actor;
    if (a >= 0 && a !== i) {
      observations[this.agents[a]] = observe(m, a);
      infos[this.agents[a]] = { delegation: null };
    }
    const terminations = a < 0 ? this.#trueFlags : this.#falseFlags;
    return { observations, infos, rewards, terminations, truncations: this.#falseFlags, events };
  }

  liveAgents(): AgentId[] {
    return this.#m.actor < 0 ? [] : [this.agents[this.#m.actor]];
  }

  /** The provider about to act (0-based), `-1` when the game is over. */
  get actor(): number {
    return this.#m.actor;
  }

  isDone(): boolean {
    return this.#m.actor < 0;
  }

  /** Honest service: the provider's best model. */
  fallbackAction(agent: AgentId): string {
    const i = this.agents.indexOf(agent);
    if (i < 0) throw new RangeError(`Cannot give fallback: unknown provider '${agent}'`);
    return this.config.providers[i].models[this.#tables!.providers[i].bestModel];
  }

  returns(): Record<AgentId, number> {
    const pu = this.#m.sums.providerUtility;
    return Object.fromEntries(this.agents.map((a, i) => [a, pu[i]]));
  }

  getState(): DelegationState {
    return mechanismState(this.#m, this.#last, this.#seed);
  }

  setState(state: DelegationState): void {
    this.#seed = state.seed;
    this.#ensureRecords(state.seed);
    restoreMechanism(this.#m, state);
    this.#pending = null;
    this.#last = state.last ? { ...state.last } : null;
  }
}
