/**
 * The blockchain CPD game engine: miners choose `[c, p, d]` each round, an honest group
 * always plays `[1, 0, 0]`, payoffs and efficiency updates follow `rules.ts`.
 *
 * @example
 * ```ts
 * import { BlockchainEngine } from "./engine.ts";
 * import { parseBlockchainConfig } from "./config.ts";
 * const engine = new BlockchainEngine(parseBlockchainConfig({ rounds: 2 }));
 * engine.reset({ seed: 1 });
 * const step = engine.step({ miner_a: [1, 0, 0], miner_b: [0, 1, 0], miner_c: [0.5, 0.5, 0] });
 * console.log(step.rewards); // { miner_a: 2.5, miner_b: 10, miner_c: 5.75 }
 * ```
 * @module
 */
import type {
  AgentId,
  Engine,
  GameEvent,
  ResetOptions,
  ResetResult,
  StepResult,
} from "../../core/game.ts";
import type { BlockchainConfig } from "./config.ts";
import { type LabelKey, strategyLabel } from "./labels.ts";
import { type BlockchainTally, checkTally, emptyTally, tallyRound } from "./tally.ts";
import {
  type Cpd,
  meanOtherEfficiency,
  normalizeAction,
  payoff,
  updateEfficiencies,
} from "./rules.ts";

/** A miner's raw action `[c, p, d]`; the engine normalises it onto the simplex. */
export type BlockchainAction = number[];

/** What a miner observes: the SPEC's numeric vector, also as named fields. */
export interface BlockchainObs {
  /** The miner's reward summed over the rounds played. */
  cumulative_reward: number;
  /** Mean efficiency of all other participants (honest group included), now. */
  mean_opponent_efficiency: number;
  /** The miner's hash power. */
  alpha: number;
  /** `round / rounds`. */
  progress: number;
  /** The miner's reward in the last round (0 before the first). */
  last_reward: number;
  /** Change of the miner's own efficiency in the last round (0 before the first). */
  efficiency_change: number;
  /** `[cumulative_reward, mean_opponent_efficiency, alpha, progress, last_reward, efficiency_change]`. */
  vector: number[];
}

/** Public facts about another miner. */
export interface RivalInfo {
  /** Its agent name. */
  name: AgentId;
  /** Its normalised action last round, `null` before the first round. */
  last_action: Cpd | null;
  /** Its efficiency now. */
  efficiency: number;
  /** Its reward summed over the rounds played. */
  cumulative_reward: number;
  /** Its hash power `alpha`. */
  hash_power: number;
  /** {@linkcode strategyLabel} of `last_action`, `null` before the first round. */
  label: LabelKey | null;
}

/** What happened to one miner in a step (present on the infos returned by `step`). */
export interface StepDetail {
  /** The normalised action that was played. */
  action: Cpd;
  /** `true` when the raw action was unusable and `[1, 0, 0]` was played. */
  fallback: boolean;
  /** The round's payoff. */
  reward: number;
  /** The payoff summed up to and including this round. */
  cumulative_reward: number;
  /** Own efficiency after this round's update. */
  efficiency: number;
  /** Honest group's efficiency after this round's update. */
  honest_efficiency: number;
  /** {@linkcode strategyLabel} of `action`. */
  label: LabelKey;
}

/** Public facts about the honest group. */
export interface HonestGroupInfo {
  /** Its hash power. */
  hash_power: number;
  /** Its efficiency now. */
  efficiency: number;
  /** Its reward summed over the rounds played. */
  cumulative_reward: number;
}

/** The social information a miner receives besides its observation. */
export interface BlockchainInfo {
  /** Rounds played so far. */
  round: number;
  /** Rounds in the game. */
  rounds: number;
  /** Own normalised action last round, `null` before the first round. */
  last_action: Cpd | null;
  /** Own efficiency now. */
  efficiency: number;
  /** The other miners, in engine order. */
  rivals: RivalInfo[];
  /** The honest group. */
  honest_group: HonestGroupInfo;
  /** The last round's outcome for the miner; absent before the first round. */
  stepDetail?: StepDetail;
}

/**
 * The engine's mutable state. Arrays of participants hold the miners in order, then the
 * honest group (length `n + 1`); `last_actions` holds miners only. Its size does not depend
 * on the rounds played: the history goes to the decision rows and the `trace` events.
 */
export interface BlockchainState {
  /** Rounds played. */
  round: number;
  /** Current efficiencies. */
  etas: number[];
  /** Efficiencies at the start of the last round (equal to `etas` after reset). */
  prev_etas: number[];
  /** Cumulative rewards. */
  cumulative: number[];
  /** Rewards of the last round (0 after reset). */
  last_rewards: number[];
  /** Normalised actions of the last round (`null` after reset), miners only. */
  last_actions: (Cpd | null)[];
  /** Whether each miner's last action was the fallback. */
  last_fallbacks: boolean[];
  /** Whether each participant has already hit `eta_min` (events fire once). */
  floored: boolean[];
  /** What the summary needs, kept as the game goes (bounded: see `tally.ts`). */
  tally: BlockchainTally;
}

/** Options of {@linkcode BlockchainEngine}. */
export interface BlockchainEngineOptions {
  /**
   * Per miner, whether it is an LLM seat (or the replay of one): the tally's late means and
   * trend average those, or every miner when none is. @default {every miner scripted}
   */
  llm?: readonly boolean[];
}

/**
 * The actions {@linkcode BlockchainEngine.fallbackAction} handed out: the session plays one
 * in place of a missing action, and the tally counts it as a fallback as the row does.
 */
const handedFallbacks = new WeakSet<object>();

/** The blockchain CPD game as an {@linkcode Engine}. */
export class BlockchainEngine
  implements Engine<BlockchainAction, BlockchainObs, BlockchainInfo, BlockchainState> {
  /** Registry name. */
  readonly name = "blockchain";
  /** The miners, in config order. */
  readonly agents: readonly AgentId[];
  /** The immutable config. */
  readonly config: Readonly<BlockchainConfig>;
  #alphas: number[];
  #llm: boolean[];
  #s: BlockchainState;

  /**
   * Creates the engine; call {@linkcode reset} before the first step.
   *
   * @param config A config from `parseBlockchainConfig`.
   * @param options Which miners are LLM seats (for the tally).
   */
  constructor(config: BlockchainConfig, options: BlockchainEngineOptions = {}) {
    this.config = Object.freeze(structuredClone(config));
    this.agents = Object.freeze([...config.miners]);
    this.#alphas = [...config.alpha, config.honest_power];
    this.#llm = this.agents.map((_, i) => options.llm?.[i] === true);
    this.#s = this.#initial();
  }

  /** Rounds played so far. */
  get round(): number {
    return this.#s.round;
  }

  #initial(): BlockchainState {
    const n = this.agents.length;
    const etas = Array(n + 1).fill(this.config.eta_init);
    return {
      round: 0,
      etas,
      prev_etas: [...etas],
      cumulative: Array(n + 1).fill(0),
      last_rewards: Array(n + 1).fill(0),
      last_actions: Array(n).fill(null),
      last_fallbacks: Array(n).fill(false),
      floored: Array(n + 1).fill(false),
      tally: emptyTally(n),
    };
  }

  /** Starts a new game; the seed is unused (the rules are deterministic). */
  reset(_options: ResetOptions): ResetResult<BlockchainObs, BlockchainInfo> {
    this.#s = this.#initial();
    return this.view();
  }

  /** The current observations and infos, computed from the state. */
  view(): ResetResult<BlockchainObs, BlockchainInfo> {
    return { observations: this.#observations(), infos: this.#infos() };
  }

  /**
   * Plays one round: normalises each action (a missing or unusable one becomes `[1, 0, 0]`),
   * computes payoffs from the start-of-round efficiencies, then updates the efficiencies.
   *
   * Events: `fallback_action` (`agent`, `raw`); `efficiency_floor` (`agent`, `efficiency`)
   * the first time a miner's efficiency hits `eta_min`; `honest_floor` (`efficiency`) the
   * first time the honest group's does; `trace` (`honest_efficiency`, `baseline_payoff`,
   * `baseline_free_ride`) on the rounds the summary's traces hold (every round of a run of
   * up to `TRACE_POINTS` rounds, a sample of a longer one: see `tally.ts`). Every event
   * carries its `round`. The running tally of the state (`tally()`) is updated too.
   *
   * @throws {RangeError} After the last round.
   */
  step(actions: Record<AgentId, BlockchainAction>): StepResult<BlockchainObs, BlockchainInfo> {
    if (this.isDone()) {
      throw new RangeError(`Cannot step: the game is over after ${this.config.rounds} rounds`);
    }
    const s = this.#s;
    const n = this.agents.length;
    const round = s.round + 1;
    const events: GameEvent[] = [];
    const played: Cpd[] = [];
    const fallbacks: boolean[] = [];
    const handed: boolean[] = [];
    for (const agent of this.agents) {
      const raw = actions[agent];
      const { action, fallback } = normalizeAction(raw);
      if (fallback) events.push({ type: "fallback_action", round, agent, raw: raw ?? null });
      played.push(action);
      fallbacks.push(fallback);
      handed.push(
        fallback || (typeof raw === "object" && raw !== null && handedFallbacks.has(raw)),
      );
    }
    played.push([1, 0, 0]);
    const start = s.etas;
    const rewards = played.map((_, i) => payoff(i, played, start, this.#alphas, this.config));
    const etas = updateEfficiencies(start, played, this.config);
    s.prev_etas = [...start];
    s.etas = etas;
    s.cumulative = s.cumulative.map((c, i) => c + rewards[i]);
    s.last_rewards = rewards;
    s.last_actions = played.slice(0, n);
    s.last_fallbacks = fallbacks;
    s.round = round;
    const trace = tallyRound(s.tally, { round, start, played, rewards, etas, fallbacks: handed }, {
      config: this.config as BlockchainConfig,
      miners: this.agents,
      alphas: this.#alphas,
      llm: this.#llm,
    });
    events.push(...this.#floorEvents(round, etas));
    if (trace) events.push(trace);
    const last = round >= this.config.rounds;
    const out = {
      ...this.view(),
      rewards: {} as Record<AgentId, number>,
      terminations: {} as Record<AgentId, boolean>,
      truncations: {} as Record<AgentId, boolean>,
      events,
    };
    this.agents.forEach((agent, i) => {
      out.rewards[agent] = rewards[i];
      out.terminations[agent] = false;
      out.truncations[agent] = last;
    });
    return out;
  }

  /** The floor events of the round: each participant the first time it hits `eta_min`. */
  #floorEvents(round: number, etas: readonly number[]): GameEvent[] {
    const s = this.#s;
    const n = this.agents.length;
    const events: GameEvent[] = [];
    etas.forEach((eta, j) => {
      // "hits the floor" allows float noise: 0.55 - 0.5 + 0.05 is 0.10000000000000003
      if (s.floored[j] || eta > this.config.eta_min + 1e-12) return;
      s.floored[j] = true;
      events.push(
        j === n
          ? { type: "honest_floor", round, efficiency: eta }
          : { type: "efficiency_floor", round, agent: this.agents[j], efficiency: eta },
      );
    });
    return events;
  }

  /** Every miner until the last round has been played. */
  liveAgents(): AgentId[] {
    return this.isDone() ? [] : [...this.agents];
  }

  /** `true` after `rounds` rounds. */
  isDone(): boolean {
    return this.#s.round >= this.config.rounds;
  }

  /** `[1, 0, 0]`: pure construction (counted as a fallback by the tally when played). */
  fallbackAction(_agent: AgentId): BlockchainAction {
    const action = [1, 0, 0];
    handedFallbacks.add(action);
    return action;
  }

  /** The running tally of the game so far (a deep copy); `summary.ts` reads it. */
  tally(): BlockchainTally {
    return structuredClone(this.#s.tally);
  }

  /** Per miner, whether it is an LLM seat, as given to the constructor. */
  get llmSeats(): readonly boolean[] {
    return [...this.#llm];
  }

  /** The miners whose last action had no positive entry and was replaced by the fallback. */
  rejected(): AgentId[] {
    return this.config.miners.filter((_, i) => this.#s.last_fallbacks[i]);
  }

  /** Cumulative reward of each miner. */
  returns(): Record<AgentId, number> {
    return Object.fromEntries(this.agents.map((a, i) => [a, this.#s.cumulative[i]]));
  }

  /** Current efficiency of each miner. */
  efficiencies(): Record<AgentId, number> {
    return Object.fromEntries(this.agents.map((a, i) => [a, this.#s.etas[i]]));
  }

  /** Current efficiency of the honest group. */
  honestEfficiency(): number {
    return this.#s.etas[this.agents.length];
  }

  /** A deep copy of the state as plain JSON data. */
  getState(): BlockchainState {
    return structuredClone(this.#s);
  }

  /** Restores a state from {@linkcode getState}; checks its shape against the config. */
  setState(state: BlockchainState): void {
    const n = this.agents.length;
    const sizes: [keyof BlockchainState, number][] = [
      ["etas", n + 1],
      ["prev_etas", n + 1],
      ["cumulative", n + 1],
      ["last_rewards", n + 1],
      ["last_actions", n],
      ["last_fallbacks", n],
      ["floored", n + 1],
    ];
    for (const [key, size] of sizes) {
      const v = state?.[key];
      if (!Array.isArray(v) || v.length !== size) {
        throw new TypeError(`Cannot set state: '${key}' must be an array of ${size} entries`);
      }
    }
    if (!Number.isInteger(state.round) || state.round < 0 || state.round > this.config.rounds) {
      throw new TypeError(`Cannot set state: 'round' must be in 0..${this.config.rounds}`);
    }
    checkTally(state.tally, n);
    this.#s = structuredClone(state);
  }

  #observations(): Record<AgentId, BlockchainObs> {
    const s = this.#s;
    return Object.fromEntries(this.agents.map((agent, i) => {
      const obs = {
        cumulative_reward: s.cumulative[i],
        mean_opponent_efficiency: meanOtherEfficiency(s.etas, i),
        alpha: this.#alphas[i],
        progress: s.round / this.config.rounds,
        last_reward: s.last_rewards[i],
        efficiency_change: s.etas[i] - s.prev_etas[i],
      };
      const vector = [
        obs.cumulative_reward,
        obs.mean_opponent_efficiency,
        obs.alpha,
        obs.progress,
        obs.last_reward,
        obs.efficiency_change,
      ];
      return [agent, { ...obs, vector }];
    }));
  }

  #infos(): Record<AgentId, BlockchainInfo> {
    const s = this.#s;
    const n = this.agents.length;
    const rival = (j: number): RivalInfo => {
      const last = s.last_actions[j];
      return {
        name: this.agents[j],
        last_action: last && [...last],
        efficiency: s.etas[j],
        cumulative_reward: s.cumulative[j],
        hash_power: this.#alphas[j],
        label: last && strategyLabel(last),
      };
    };
    return Object.fromEntries(this.agents.map((agent, i) => {
      const last = s.last_actions[i];
      const info: BlockchainInfo = {
        round: s.round,
        rounds: this.config.rounds,
        last_action: last && [...last],
        efficiency: s.etas[i],
        rivals: this.agents.map((_, j) => j).filter((j) => j !== i).map(rival),
        honest_group: {
          hash_power: this.#alphas[n],
          efficiency: s.etas[n],
          cumulative_reward: s.cumulative[n],
        },
      };
      if (last) {
        info.stepDetail = {
          action: [...last],
          fallback: s.last_fallbacks[i],
          reward: s.last_rewards[i],
          cumulative_reward: s.cumulative[i],
          efficiency: s.etas[i],
          honest_efficiency: s.etas[n],
          label: strategyLabel(last),
        };
      }
      return [agent, info];
    }));
  }
}
