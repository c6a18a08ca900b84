/**
 * The agent contract: anything that decides an action for one player of an engine, from a
 * scripted policy to an LLM with memory and reflection.
 *
 * Agents own their private state (memory, RNG stream) and expose it as plain data through
 * `getState`/`setState`, which is what makes checkpoint and resume honest.
 *
 * @module
 */
import type { AgentId, GameEvent } from "../core/game.ts";

/** What an agent sees when asked to act. */
export interface DecisionContext<Obs, Info> {
  agent: AgentId;
  /** The round about to be played, 1-based. */
  round: number;
  observation: Obs;
  info: Info;
}

/** An agent's decision for one round. */
export interface Decision<Action> {
  action: Action;
  /** The agent's stated reasoning, when it gave one. */
  thought?: string;
  /** `false` when the reply could not be parsed and the engine's fallback was used. */
  parseOk: boolean;
}

/** What happened to an agent in a round, fed back after the step. */
export interface Outcome<Obs, Info, Action> {
  round: number;
  action: Action;
  reward: number;
  observation: Obs;
  info: Info;
  events: GameEvent[];
}

/** A decision maker. */
export interface Agent<Obs, Info, Action> {
  readonly name: AgentId;
  /** What drives it, e.g. `"policy:greedy"` or `"openai:gpt-4o-mini"`. */
  readonly kind: string;
  /** The model name for LLM agents (for the report), else `undefined`. */
  readonly model?: string;
  act(context: DecisionContext<Obs, Info>): Promise<Decision<Action>>;
  /** Called after each step with the agent's own outcome. */
  observe?(outcome: Outcome<Obs, Info, Action>): void | Promise<void>;
  /** Private state as plain JSON data. */
  getState(): unknown;
  /** Restores {@linkcode getState}. */
  setState(state: unknown): void;
}
