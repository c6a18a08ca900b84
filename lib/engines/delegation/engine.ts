/**
 * The delegation mechanism (SPEC section 3) as a step-at-a-time engine: at each step the
 * mechanism picks one provider, that provider alone acts, and its action is the model it
 * serves (a model name). The four phases run in order (exploration, exploitation with early
 * stop and bonus, incentive, utility-based) and stop when `t = T` in every phase.
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
import {
  delta1 as delta1Of,
  delta2 as delta2Of,
  exploitationBudget,
  exploitationThreshold,
  explorationBlock,
  mechanismM,
  numpySum,
  plannedExploitation,
  utilityBasedShare,
} from "./parameters.ts";
import {
  createStream,
  type RunStream,
  type RunStreamState,
  streamFromState,
} from "./python_random.ts";
import { billedPrice, servedCost } from "./accounting.ts";
import { placeholderRecords, syntheticRecords, type TaskRecords } from "./records.ts";
import { bestCandidates, secondBest } from "./selection.ts";
import { buildTables, type DelegationTables } from "./tables.ts";

/** The phases: 1 exploration, 2 exploitation (incl. bonus), 3 incentive, 4 utility-based. */
export type Phase = 1 | 2 | 3 | 4;

/** The names of the phases, indexed by phase number. */
export const PHASE_NAMES = ["", "exploration", "exploitation", "incentive", "utility_based"];

/** The largest early-stop window the engine holds (`B` beyond it is a config error). */
export const MAX_WINDOW = 10_000_000;

/** One delegation, as logged. */
export interface DelegationRecord {
  /** The time step served (0-based). */
  time: number;
  /** The phase it was served in. */
  phase: Phase;
  /** `true` for the exploitation bonus (served as a later phase by the strategies). */
  bonus: boolean;
  /** The provider that served it. */
  provider: AgentId;
  /** 1-based, as in the paper. */
  provider_id: number;
  /** The model actually served. */
  model: string;
  /** The task index served. */
  task: number;
  /** Price billed to the user: the served tokens at the provider's best model's prices ($). */
  price: number;
  /** The provider's cost: `eta` times the served tokens at the served model's prices ($). */
  cost: number;
  /** The task's score times `reward_scale`. */
  reward: number;
  /** Input tokens of the served answer. */
  prompt_tokens: number;
  /** Output tokens of the served answer. */
  completion_tokens: number;
  /** `reward - price`. */
  user_utility: number;
  /** `eta * price - cost`. */
  provider_utility: number;
}

/** What a provider sees before serving. */
export interface DelegationObs {
  /** The time step about to be served (0-based); equals the delegations so far. */
  t: number;
  /** Delegations in the whole game (the config's `T`). */
  T: number;
  /** The phase of the delegation about to be served (of the last one when the game is over). */
  phase: Phase;
  /** `true` during the exploitation bonus. */
  bonus: boolean;
  /** Exploitation delegations scheduled (`planned`); 0 before the end of exploration. */
  planned: number;
  /** Second-best phase-1 mean utility; 0 before the end of exploration. */
  secondBestUtility: number;
  /** This provider's reward summed over all its delegations so far. */
  cumulativeReward: number;
  /** This provider's delegations so far. */
  delegations: number;
  /** `true` when this provider is the best one (known after exploration). */
  isBest: boolean;
}

/**
 * What a served model did on a live task (live mode): supplied with
 * {@linkcode DelegationEngine.supplyOutcome} before the step that serves it.
 */
export interface LiveOutcome {
  /** The provider serving and the model it serves (must match the step's action). */
  provider: AgentId;
  /** The model served. */
  model: string;
  /** The task's identifier (its generator seed). */
  task: number;
  /** The evaluator's score in [0, 1]. */
  score: number;
  /** Real token usage of the call. */
  input: number;
  /** Output tokens of the call. */
  output: number;
}

/** Per-step detail: the delegation just served (to the provider that served it). */
export interface DelegationInfo {
  /** The delegation just served, or `null` for the providers that did not serve. */
  delegation: DelegationRecord | null;
}

/** The mechanism's figures fixed at the end of exploration. */
export interface ExplorationResult {
  /** Phase-1 mean reward of each provider. */
  avgRewards: number[];
  /** Phase-1 mean utility (`reward - price`) of each provider. */
  avgUtilities: number[];
  /** 0-based index of the best provider. */
  best: number;
  /** 0-based index of the second-best provider, `-1` with one provider. */
  second: number;
  /** Phase-1 mean utility of the second-best provider. */
  secondBestUtility: number;
  /** `delta1 = -ln(u_min) + 2 + M` (see `parameters.ts`). */
  delta1: number;
  /** `null` stands for minus infinity (JSON has no infinities). */
  delta2: number | null;
  /** The exploitation budget `max(0, T - (max(delta1, delta2) + 3) * B * K)`. */
  R2: number;
  /** Exploitation delegations scheduled: `floor(min(R2, T - t))`. */
  planned: number;
  /** The early-stop threshold `secondBestUtility - M`. */
  threshold: number;
}

/** Per-provider running figures (arrays indexed by provider). */
export interface ProviderSums {
  /** Delegations served. */
  delegations: number[];
  /** Sum of rewards. */
  reward: number[];
  /** Sum of user utilities (`reward - price`). */
  utility: number[];
  /** Sum of billed prices. */
  price: number[];
  /** Sum of costs. */
  cost: number[];
  /** Sum of provider utilities (`eta * price - cost`). */
  providerUtility: number[];
  /** Sum of input tokens. */
  promptTokens: number[];
  /** Sum of output tokens. */
  completionTokens: number[];
}

/** The whole mutable state, plain JSON. */
export interface DelegationState {
  /** Delegations so far = the next time step. */
  t: number;
  /** Phase of the next delegation; 5 when the game is over. */
  phase: number;
  /** Provider index of the current block (phases 1, 3, 4). */
  cursor: number;
  /** Delegations left in the current block. */
  left: number;
  /** Phase 2: 0 main, 1 bonus. Phase 4: 0 guaranteed blocks, 1 the drawn extra block. */
  block: number;
  /** Provider to act next, `-1` when the game is over. */
  actor: number;
  /** The run stream's state. */
  stream: RunStreamState;
  /** Per-provider running sums. */
  sums: ProviderSums;
  /** Delegations per phase: exploration, exploitation, bonus, incentive, utility-based. */
  phaseCounts: number[];
  /**
   * Delegations served with a model other than the provider's best, per provider and phase
   * slot (exploration, exploitation, bonus, incentive, utility-based): index `5 * i + slot`.
   */
  substitutions: number[];
  /**
   * Per provider: provider utility gained by substituting, summed over its substitutions
   * (its utility minus what its best model would have given on the same task).
   */
  substitutionGain?: number[];
  /**
   * Per provider: user utility lost to substitution, summed (what the best model would
   * have given the user on the same task minus what it got); not known in live mode (0).
   */
  substitutionLoss?: number[];
  /** The mechanism's figures fixed at the end of exploration (`null` before). */
  exploration: ExplorationResult | null;
  /**
   * Exploitation: delegations made, early stop, the last-B utilities ring (oldest at head),
   * its running sum and the largest |utility| entered (for the rounding margin).
   */
  exploit: {
    count: number;
    stoppedEarly: boolean;
    window: number[];
    head: number;
    sum: number;
    maxAbs: number;
  };
  /** Phase 4: the current provider's fraction and every draw made so far (at most K). */
  utilityBased: { fraction: number; draws: { provider: number; u: number; won: boolean }[] };
  /** The last delegation served (`null` after reset). */
  last: DelegationRecord | null;
  /** Records seed when records are synthetic (they are rebuilt from it). */
  seed: number;
}

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
  #stream: RunStream;
  // hot state
  #t = 0;
  #phase = 1;
  #cursor = -1;
  #left = 0;
  #block = 0;
  #actor = -1;
  #n: Float64Array;
  #reward: Float64Array;
  #utility: Float64Array;
  #price: Float64Array;
  #cost: Float64Array;
  #provUtil: Float64Array;
  #prompt: Float64Array;
  #completion: Float64Array;
  #phaseCounts = new Float64Array(5);
  #subs: Float64Array;
  #subGain: Float64Array;
  #subLoss: Float64Array;
  #live = false;
  /** `config.mechanism === "none"`: the no-mechanism user (see the module doc). */
  readonly #none: boolean;
  #pending: LiveOutcome | null = null;
  #exploration: ExplorationResult | null = null;
  #exCount = 0;
  #stoppedEarly = false;
  #window = new Float64Array(0);
  #windowScratch = new Float64Array(0);
  #head = 0;
  #winSum = 0;
  #winMaxAbs = 0;
  #fraction = 0;
  #draws: { provider: number; u: number; won: boolean }[] = [];
  #last: DelegationRecord | null = null;
  #seed = 0;
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
    this.#none = config.mechanism === "none";
    this.agents = config.providers.map((p) => p.name);
    this.K = config.providers.length;
    this.T = config.T;
    this.B = explorationBlock(config.T, config.epsilon);
    this.M = mechanismM(config.T, this.K, config.epsilon);
    if (this.B > MAX_WINDOW) {
      throw new RangeError(
        `Cannot build delegation engine: B = T^(2 epsilon) = ${this.B} exceeds ${MAX_WINDOW}; lower 'epsilon' or 'T'`,
      );
    }
    if (config.records.mode === "recorded") {
      if (!options.records) {
        throw new TypeError(
          "Cannot build delegation engine: recorded mode needs 'records' (loadRecordedRecords)",
        );
      }
    }
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
    const K = this.K;
    this.#n = new Float64Array(K);
    this.#reward = new Float64Array(K);
    this.#utility = new Float64Array(K);
    this.#price = new Float64Array(K);
    this.#cost = new Float64Array(K);
    this.#provUtil = new Float64Array(K);
    this.#prompt = new Float64Array(K);
    this.#completion = new Float64Array(K);
    this.#subs = new Float64Array(5 * K);
    this.#subGain = new Float64Array(K);
    this.#subLoss = new Float64Array(K);
    this.#zeroRewards = Object.fromEntries(this.agents.map((a) => [a, 0]));
    this.#falseFlags = Object.freeze(Object.fromEntries(this.agents.map((a) => [a, false])));
    this.#trueFlags = Object.freeze(Object.fromEntries(this.agents.map((a) => [a, true])));
    this.#stream = createStream(config.rng, 0);
    this.reset({ seed: 0 });
  }

  /** The run's random stream (the `random` strategy draws from it). */
  get stream(): RunStream {
    return this.#stream;
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
    return this.#t;
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
    return this.#exploration;
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
    this.#stream = stream ?? createStream(this.config.rng, seed);
    this.#t = 0;
    this.#phase = 1;
    this.#cursor = -1;
    this.#left = 0;
    this.#block = 0;
    this.#actor = -1;
    for (const a of [this.#n, this.#reward, this.#utility, this.#price, this.#cost]) a.fill(0);
    for (const a of [this.#provUtil, this.#prompt, this.#completion, this.#phaseCounts]) a.fill(0);
    this.#subs.fill(0);
    this.#subGain.fill(0);
    this.#subLoss.fill(0);
    this.#pending = null;
    this.#exploration = null;
    this.#exCount = 0;
    this.#stoppedEarly = false;
    this.#window = new Float64Array(0);
    this.#head = 0;
    this.#winSum = 0;
    this.#winMaxAbs = 0;
    this.#fraction = 0;
    this.#draws = [];
    this.#last = null;
    this.#advance();
    return this.view();
  }

  /** Moves the cursor to the next delegation, making the mechanism's draws on the way. */
  #advance(): void {
    const K = this.K, T = this.T, B = this.B;
    for (;;) {
      if (this.#left > 0 && this.#t < T) return;
      switch (this.#phase) {
        case 1: {
          if (this.#t < T && this.#cursor + 1 < K) {
            this.#cursor++;
            this.#actor = this.#cursor;
            this.#left = B;
            continue;
          }
          this.#endExploration();
          const ex = this.#exploration!;
          this.#phase = 2;
          this.#block = 0;
          this.#actor = ex.best;
          this.#left = ex.planned;
          if (B <= ex.planned && !this.#none) {
            this.#window = new Float64Array(B);
            this.#windowScratch = new Float64Array(B);
          }
          this.#head = 0;
          continue;
        }
        case 2: {
          if (this.#none) {
            // the no-mechanism user: nothing after the committed tasks
            this.#phase = 5;
            this.#actor = -1;
            this.#left = 0;
            return;
          }
          if (this.#block === 0) {
            this.#window = new Float64Array(0);
            this.#block = 1;
            if (!this.#stoppedEarly && this.#t < T) {
              this.#left = Math.min(B, T - this.#t);
              continue;
            }
          }
          this.#phase = 3;
          this.#cursor = -1;
          this.#left = 0;
          this.#block = 0;
          continue;
        }
        case 3: {
          const best = this.#exploration!.best;
          let next = this.#cursor + 1;
          if (next === best) next++;
          if (this.#t < T && next < K) {
            this.#cursor = next;
            this.#actor = next;
            this.#left = B;
            continue;
          }
          this.#phase = 4;
          this.#cursor = -1;
          this.#block = 1; // no pending fraction for "provider -1"
          this.#left = 0;
          continue;
        }
        case 4: {
          if (this.#block === 0) {
            // the guaranteed blocks of #cursor are done: the extra block is drawn for
            this.#block = 1;
            const f = this.#fraction;
            if (f > 0 && this.#t < T) {
              const u = this.#stream.random();
              const won = u < f;
              this.#draws.push({ provider: this.#cursor, u, won });
              if (won) {
                this.#left = Math.min(B, T - this.#t);
                continue;
              }
            }
          }
          const ex = this.#exploration!;
          let found = false;
          while (this.#t < T && this.#cursor + 1 < K) {
            this.#cursor++;
            const share = utilityBasedShare(ex.avgRewards[this.#cursor], this.M, ex.delta1);
            if (share.x === null || share.x < 0) continue;
            this.#actor = this.#cursor;
            this.#block = 0;
            this.#fraction = share.fraction;
            this.#left = Math.min(share.blocks * B, T - this.#t);
            found = true;
            break;
          }
          if (found) continue;
          this.#phase = 5;
          this.#actor = -1;
          this.#left = 0;
          return;
        }
        default:
          this.#actor = -1;
          this.#left = 0;
          return;
      }
    }
  }

  /** End of phase 1: means, delta1, delta2, the best provider (drawn), R2, planned. */
  #endExploration(): void {
    const K = this.K;
    const avgRewards: number[] = [];
    const avgUtilities: number[] = [];
    for (let i = 0; i < K; i++) {
      const n = this.#n[i];
      avgRewards.push(n > 0 ? this.#reward[i] / n : 0);
      avgUtilities.push(n > 0 ? this.#utility[i] / n : 0);
    }
    const d1 = delta1Of(avgUtilities, this.M);
    const d2 = delta2Of(avgUtilities);
    const best = this.#stream.choice(bestCandidates(avgUtilities));
    const second = secondBest(avgUtilities, best);
    const R2 = exploitationBudget(this.T, this.B, K, d1, d2);
    // the no-mechanism user commits every remaining task and promises no second-best utility
    const planned = this.#none ? this.T - this.#t : plannedExploitation(R2, this.T, this.#t);
    this.#exploration = {
      avgRewards,
      avgUtilities,
      best,
      second: second.provider,
      secondBestUtility: this.#none ? 0 : second.utility,
      delta1: d1,
      delta2: Number.isFinite(d2) ? d2 : null,
      R2,
      planned,
      threshold: exploitationThreshold(second.utility, this.M),
    };
  }

  #obs(i: number): DelegationObs {
    const ex = this.#exploration;
    const phase = (this.#phase > 4 ? (this.#none ? 2 : 4) : this.#phase) as Phase;
    return {
      t: this.#t,
      T: this.T,
      phase,
      bonus: phase === 2 && this.#block === 1,
      planned: ex ? ex.planned : 0,
      secondBestUtility: ex ? ex.secondBestUtility : 0,
      cumulativeReward: this.#reward[i],
      delegations: this.#n[i],
      isBest: ex ? ex.best === i : false,
    };
  }

  view(): ResetResult<DelegationObs, DelegationInfo> {
    const observations: Record<AgentId, DelegationObs> = {};
    const infos: Record<AgentId, DelegationInfo> = {};
    const last = this.#last;
    if (last) {
      const i = last.provider_id - 1;
      observations[last.provider] = this.#obs(i);
      infos[last.provider] = { delegation: last };
    }
    const a = this.#actor;
    if (a >= 0 && (!last || last.provider_id - 1 !== a)) {
      observations[this.agents[a]] = this.#obs(a);
      infos[this.agents[a]] = { delegation: null };
    }
    return { observations, infos };
  }

  step(actions: Record<AgentId, string>): StepResult<DelegationObs, DelegationInfo> {
    const i = this.#actor;
    if (i < 0) throw new RangeError("Cannot step: the game is over");
    const name = this.agents[i];
    const model = actions[name];
    const j = this.#modelIndex[i].get(model);
    if (j === undefined) {
      throw new TypeError(
        `Cannot step: action of '${name}' must be one of its models (${
          this.config.providers[i].models.join(", ")
        }), got ${model}`,
      );
    }
    const tables = this.#tables!;
    const p = tables.providers[i];
    const t = this.#t;
    const L = tables.length;
    const pos = t % L;
    const k = j * L + pos;
    let reward, price, cost, utility, pu, inp, out, task;
    if (this.#live) {
      const o = this.#pending;
      if (!o || o.provider !== name || o.model !== model) {
        throw new TypeError(
          `Cannot step: live mode needs the outcome of '${name}' serving '${model}' at t = ${t} (supplyOutcome)`,
        );
      }
      this.#pending = null;
      inp = o.input;
      out = o.output;
      task = o.task;
      reward = o.score * this.config.reward_scale;
      price = billedPrice(inp, out, p.prices[p.bestModel]);
      cost = servedCost(inp, out, p.prices[j], p.eta);
      utility = reward - price;
      pu = p.eta * price - cost;
    } else {
      reward = p.reward[k];
      price = p.price[k];
      cost = p.cost[k];
      utility = p.utility[k];
      pu = p.providerUtility[k];
      inp = p.input[k];
      out = p.output[k];
      task = this.#records!.taskIds[pos];
    }
    this.#n[i]++;
    this.#reward[i] += reward;
    this.#utility[i] += utility;
    this.#price[i] += price;
    this.#cost[i] += cost;
    this.#provUtil[i] += pu;
    this.#prompt[i] += inp;
    this.#completion[i] += out;
    const phase = this.#phase as Phase;
    const bonus = phase === 2 && this.#block === 1;
    const slot = phase === 1 ? 0 : phase === 2 ? (bonus ? 2 : 1) : phase;
    this.#phaseCounts[slot] += 1;
    if (j !== p.bestModel) {
      this.#subs[5 * i + slot] += 1;
      const b = p.bestModel;
      if (this.#live) {
        // the same tokens, billed alike: the gain is the cost saved
        this.#subGain[i] += servedCost(inp, out, p.prices[b], p.eta) - cost;
      } else {
        const kb = b * L + pos;
        this.#subGain[i] += pu - p.providerUtility[kb];
        this.#subLoss[i] += p.utility[kb] - utility;
      }
    }
    const record: DelegationRecord = {
      time: t,
      phase,
      bonus,
      provider: name,
      provider_id: i + 1,
      model,
      task,
      price,
      cost,
      reward,
      prompt_tokens: inp,
      completion_tokens: out,
      user_utility: utility,
      provider_utility: pu,
    };
    this.#last = record;
    this.#t = t + 1;
    this.#left--;
    let events = NO_EVENTS;
    if (phase === 2 && !bonus) {
      const c = ++this.#exCount;
      const B = this.B;
      if (this.#window.length > 0) {
        const w = this.#window;
        const old = w[this.#head];
        w[this.#head] = utility;
        this.#head = this.#head + 1 === B ? 0 : this.#head + 1;
        const abs = utility < 0 ? -utility : utility;
        if (abs > this.#winMaxAbs) this.#winMaxAbs = abs;
        if (this.#head === 0) {
          // resync every B insertions so rounding never accumulates
          let sum = 0;
          for (let q = 0; q < B; q++) sum += w[q];
          this.#winSum = sum;
        } else this.#winSum += utility - old;
        if (c >= B) {
          const thr = this.#exploration!.threshold;
          let recent = this.#winSum / B;
          // The running sum is within 2B roundings of the exact one; near the threshold,
          // decide with numpy's own summation (the original's np.mean) instead.
          const margin = 4 * B * Number.EPSILON * (this.#winMaxAbs + 1);
          if (Math.abs(recent - thr) <= margin) {
            const s = this.#windowScratch;
            for (let q = 0; q < B; q++) s[q] = w[(this.#head + q) % B];
            recent = numpySum(s, 0, B) / B;
          }
          if (recent < thr) {
            this.#stoppedEarly = true;
            this.#left = 0;
            events = [{ type: "early_stop", provider: name, time: t, recent_utility: recent }];
          }
        }
      }
    }
    const phaseBefore = this.#phase;
    this.#advance();
    if (phaseBefore === 1 && this.#phase !== 1) {
      const ex = this.#exploration!;
      const e: GameEvent = {
        type: "exploration_done",
        best: this.agents[ex.best],
        second: ex.second >= 0 ? this.agents[ex.second] : null,
        planned: ex.planned,
      };
      events = events === NO_EVENTS ? [e] : [...events, e];
    }
    const rewards = { ...this.#zeroRewards };
    rewards[name] = pu;
    const done = this.#actor < 0;
    const observations: Record<AgentId, DelegationObs> = {};
    const infos: Record<AgentId, DelegationInfo> = {};
    observations[name] = this.#obs(i);
    infos[name] = { delegation: record };
    const a = this.#actor;
    if (a >= 0 && a !== i) {
      observations[this.agents[a]] = this.#obs(a);
      infos[this.agents[a]] = { delegation: null };
    }
    return {
      observations,
      infos,
      rewards,
      terminations: done ? this.#trueFlags : this.#falseFlags,
      truncations: this.#falseFlags,
      events,
    };
  }

  liveAgents(): AgentId[] {
    return this.#actor < 0 ? [] : [this.agents[this.#actor]];
  }

  /** The provider about to act (0-based), `-1` when the game is over. */
  get actor(): number {
    return this.#actor;
  }

  isDone(): boolean {
    return this.#actor < 0;
  }

  /** Honest service: the provider's best model. */
  fallbackAction(agent: AgentId): string {
    const i = this.agents.indexOf(agent);
    if (i < 0) throw new RangeError(`Cannot give fallback: unknown provider '${agent}'`);
    return this.config.providers[i].models[this.#tables!.providers[i].bestModel];
  }

  returns(): Record<AgentId, number> {
    return Object.fromEntries(this.agents.map((a, i) => [a, this.#provUtil[i]]));
  }

  getState(): DelegationState {
    const window: number[] = Array.from(this.#window);
    return {
      t: this.#t,
      phase: this.#phase,
      cursor: this.#cursor,
      left: this.#left,
      block: this.#block,
      actor: this.#actor,
      stream: this.#stream.getState(),
      sums: {
        delegations: Array.from(this.#n),
        reward: Array.from(this.#reward),
        utility: Array.from(this.#utility),
        price: Array.from(this.#price),
        cost: Array.from(this.#cost),
        providerUtility: Array.from(this.#provUtil),
        promptTokens: Array.from(this.#prompt),
        completionTokens: Array.from(this.#completion),
      },
      phaseCounts: Array.from(this.#phaseCounts),
      substitutions: Array.from(this.#subs),
      substitutionGain: Array.from(this.#subGain),
      substitutionLoss: Array.from(this.#subLoss),
      exploration: this.#exploration ? structuredClone(this.#exploration) : null,
      exploit: {
        count: this.#exCount,
        stoppedEarly: this.#stoppedEarly,
        window,
        head: this.#head,
        sum: this.#winSum,
        maxAbs: this.#winMaxAbs,
      },
      utilityBased: { fraction: this.#fraction, draws: this.#draws.map((d) => ({ ...d })) },
      last: this.#last ? { ...this.#last } : null,
      seed: this.#seed,
    };
  }

  setState(state: DelegationState): void {
    const s = state;
    this.#seed = s.seed;
    this.#ensureRecords(s.seed);
    this.#t = s.t;
    this.#phase = s.phase;
    this.#cursor = s.cursor;
    this.#left = s.left;
    this.#block = s.block;
    this.#actor = s.actor;
    // restore in place when possible, so a stream shared with the study stays shared
    if (this.#stream.kind === s.stream.kind) this.#stream.setState(s.stream);
    else this.#stream = streamFromState(s.stream);
    this.#n.set(s.sums.delegations);
    this.#reward.set(s.sums.reward);
    this.#utility.set(s.sums.utility);
    this.#price.set(s.sums.price);
    this.#cost.set(s.sums.cost);
    this.#provUtil.set(s.sums.providerUtility);
    this.#prompt.set(s.sums.promptTokens);
    this.#completion.set(s.sums.completionTokens);
    this.#phaseCounts.set(s.phaseCounts);
    this.#subs.fill(0);
    if (s.substitutions) this.#subs.set(s.substitutions);
    this.#subGain.fill(0);
    this.#subLoss.fill(0);
    if (s.substitutionGain) this.#subGain.set(s.substitutionGain);
    if (s.substitutionLoss) this.#subLoss.set(s.substitutionLoss);
    this.#pending = null;
    this.#exploration = s.exploration ? structuredClone(s.exploration) : null;
    this.#exCount = s.exploit.count;
    this.#stoppedEarly = s.exploit.stoppedEarly;
    this.#window = Float64Array.from(s.exploit.window);
    this.#windowScratch = new Float64Array(s.exploit.window.length);
    this.#head = s.exploit.head;
    this.#winSum = s.exploit.sum;
    this.#winMaxAbs = s.exploit.maxAbs;
    this.#fraction = s.utilityBased.fraction;
    this.#draws = s.utilityBased.draws.map((d) => ({ ...d }));
    this.#last = s.last ? { ...s.last } : null;
  }
}
