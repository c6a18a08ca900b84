/**
 * The one game contract every engine implements: a parallel (simultaneous-move) API in the
 * style of PettingZoo.
 *
 * Invariants (checked for every engine by `lib/core/conformance.ts`):
 * - `reset({ seed })` then the same sequence of `step(actions)` gives the same results;
 * - `step` takes one action per agent in {@linkcode Engine.liveAgents} and returns
 *   observations, rewards, terminations, truncations and infos keyed by agent;
 * - rewards are finite numbers;
 * - a terminated agent stays terminated unless the engine declares `revives` and an event
 *   of type `revive` names it;
 * - `getState()` is plain JSON data and `setState(getState())` continues identically;
 * - the game config is immutable and kept apart from the state.
 *
 * @module
 */

/** An agent's name; unique within a run. */
export type AgentId = string;

/** Something that happened in a step, recorded in `events.jsonl`. */
export interface GameEvent {
  /** Machine-readable kind, e.g. `"efficiency_floor"`. */
  type: string;
  /** Any further plain-data fields. */
  [field: string]: unknown;
}

/** What `reset` returns. */
export interface ResetResult<Obs, Info> {
  /** Each agent's observation, by name. */
  observations: Record<AgentId, Obs>;
  /** Each agent's info (extra data, for logs and LLM prompts), by name. */
  infos: Record<AgentId, Info>;
}

/** What `step` returns. */
export interface StepResult<Obs, Info> extends ResetResult<Obs, Info> {
  /** Each agent's reward for the step, by name. */
  rewards: Record<AgentId, number>;
  /** `true` for an agent whose game ended by a rule of the game (e.g. eliminated). */
  terminations: Record<AgentId, boolean>;
  /** `true` for an agent still playing when the game stopped (e.g. after its last round). */
  truncations: Record<AgentId, boolean>;
  /** What happened in the step, recorded in `events.jsonl`. */
  events: GameEvent[];
}

/** Options of {@linkcode Engine.reset}. */
export interface ResetOptions {
  /** The run's seed; the engine derives any randomness from it. */
  seed: number;
}

/**
 * A game engine. `Action`, `Obs`, `Info` and `State` are plain serialisable data.
 */
export interface Engine<Action, Obs, Info, State> {
  /** The engine's registry name, e.g. `"blockchain"`. */
  readonly name: string;
  /** Every agent that can take part, in a fixed order. */
  readonly agents: readonly AgentId[];
  /** `true` when a rule can bring a terminated agent back (e.g. an appeal). */
  readonly revives?: boolean;
  /** Starts a new game. */
  reset(options: ResetOptions): ResetResult<Obs, Info>;
  /** The current observations and infos (what `reset` or the last `step` returned). */
  view(): ResetResult<Obs, Info>;
  /** Plays one round: `actions` holds one action for each of {@linkcode liveAgents}. */
  step(actions: Record<AgentId, Action>): StepResult<Obs, Info>;
  /** The agents that must act in the next step. */
  liveAgents(): AgentId[];
  /** Rounds played so far (0 after reset). */
  readonly round: number;
  /** `true` when the game is over. */
  isDone(): boolean;
  /** The action used when an agent's decision cannot be parsed. */
  fallbackAction(agent: AgentId): Action;
  /**
   * The agents of the last step whose action the engine could not use and replaced by its
   * fallback (e.g. an all-zero vector); the run counts them against validity.
   */
  rejected?(): AgentId[];
  /** Cumulative reward per agent since reset. */
  returns(): Record<AgentId, number>;
  /** The whole mutable state as plain data. */
  getState(): State;
  /** Restores a state taken by {@linkcode getState}. */
  setState(state: State): void;
}
