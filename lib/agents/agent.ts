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
  /** The agent being asked (its name). */
  agent: AgentId;
  /** The round about to be played, 1-based. */
  round: number;
  /** The agent's observation from the engine's last reset or step. */
  observation: Obs;
  /** The agent's info from the engine's last reset or step. */
  info: Info;
}

/**
 * An agent's decision for one step.
 *
 * An agent that could not produce an action (an LLM reply that did not parse, even after the
 * retry) says so with `action: null` and the reason in `error`; the runner then applies the
 * engine's `fallbackAction` (the one place a fallback is defined) and marks
 * the decision row `fallback: true`. Agents never invent a fallback of their own.
 */
export interface Decision<Action> {
  /** The action, or `null` when the agent has none (the runner applies the fallback). */
  action: Action | null;
  /** The agent's stated reasoning, when it gave one. */
  thought?: string;
  /** Why there is no action (the parse error), when `action` is `null`. */
  error?: string;
  /** `true` when the reply parsed only after a repair that changed values (e.g. clamping). */
  repaired?: boolean;
}

/** What happened to an agent in a round, fed back after the step. */
export interface Outcome<Obs, Info, Action> {
  /** The round just played, 1-based. */
  round: number;
  /** The action the engine played for the agent (the fallback when it had none). */
  action: Action;
  /** The agent's reward for the round (0 when the engine gave none). */
  reward: number;
  /** The agent's observation after the step. */
  observation: Obs;
  /** The agent's info after the step. */
  info: Info;
  /** Every event of the step (all agents'). */
  events: GameEvent[];
}

/** A decision maker. */
export interface Agent<Obs, Info, Action> {
  /** The agent's name: the player (seat) it decides for. */
  readonly name: AgentId;
  /** What drives it, e.g. `"policy:greedy"` or `"openai:gpt-4o-mini"`. */
  readonly kind: string;
  /** The model name for LLM agents (for the report), else `undefined`. */
  readonly model?: string;
  /** `true` for an LLM-driven agent: its fallbacks count against the run's validity. */
  readonly llm?: boolean;
  /** An LLM agent's static system prompt; its hash goes into the run's provenance. */
  readonly system?: string;
  /** Decides; may answer at once (scripted policies) or through a promise (LLM calls). */
  act(context: DecisionContext<Obs, Info>): Decision<Action> | Promise<Decision<Action>>;
  /** Called after each step with the agent's own outcome. */
  observe?(outcome: Outcome<Obs, Info, Action>): void | Promise<void>;
  /** Private state as plain JSON data. */
  getState(): unknown;
  /** Restores {@linkcode getState}. */
  setState(state: unknown): void;
}
