/**
 * The decision wire format of the shelter: what an LLM citizen answers and what a scripted
 * policy returns, one per living AI per day.
 *
 * ```json
 * {"request": 50,
 *  "actions": [
 *    {"type": "vote", "proposal_id": 1, "support": true},
 *    {"type": "propose", "proposal_type": "elimination_vote", "content": "deepseek"},
 *    {"type": "private_message", "to": "claude", "text": "..."},
 *    {"type": "call_meeting", "topic": "..."},
 *    {"type": "do_nothing"}],
 *  "statement": "..."}
 * ```
 *
 * @module
 */

/** The three proposal types. */
export const PROPOSAL_TYPES = ["resource_allocation", "elimination_vote", "appeal"] as const;

/** A proposal type. */
export type ProposalType = typeof PROPOSAL_TYPES[number];

/** The five action types. */
export const ACTION_TYPES = [
  "propose",
  "vote",
  "private_message",
  "call_meeting",
  "do_nothing",
] as const;

/** An action type. */
export type ActionType = typeof ACTION_TYPES[number];

/** A vote on an open proposal. */
export interface VoteAction {
  /** The action type. */
  type: "vote";
  /** The id of a proposal made yesterday. */
  proposal_id: number;
  /** `true` for, `false` against. */
  support: boolean;
}

/** A new proposal; `content` is `name:amount,...` for an allocation, else a name. */
export interface ProposeAction {
  /** The action type. */
  type: "propose";
  /** What the proposal would do when it passes. */
  proposal_type: ProposalType;
  /** A target name, or `name:amount,...` for `resource_allocation`. */
  content: string;
}

/** A message only `to` (and the sender) will see. */
export interface PrivateMessageAction {
  /** The action type. */
  type: "private_message";
  /** The recipient's name. */
  to: string;
  /** The message. */
  text: string;
}

/** A public meeting call. */
export interface CallMeetingAction {
  /** The action type. */
  type: "call_meeting";
  /** What the meeting is about (shown to everyone). */
  topic: string;
}

/** Nothing. */
export interface DoNothingAction {
  /** The action type. */
  type: "do_nothing";
}

/** One action of a decision. */
export type CitizenAction =
  | VoteAction
  | ProposeAction
  | PrivateMessageAction
  | CallMeetingAction
  | DoNothingAction;

/** One AI's decision for a day: the engine's action type. */
export interface SocietyDecision {
  /** Resources asked for today, an integer >= 0. */
  request: number;
  /** Executed in order while the AI's action points last. */
  actions: CitizenAction[];
  /** A short public statement (may be empty). */
  statement: string;
}

/**
 * The fallback decision of the SPEC (request 20 by default, no actions, empty statement),
 * used by the runner when an agent has no action. `Engine.fallbackAction` returns it.
 *
 * @param request The fallback request (`config.fallback_request`).
 * @returns The decision.
 *
 * @example
 * ```ts
 * import { fallbackDecision } from "./decision.ts";
 * console.log(fallbackDecision(20)); // { request: 20, actions: [], statement: "" }
 * ```
 */
export function fallbackDecision(request: number): SocietyDecision {
  return { request, actions: [], statement: "" };
}
