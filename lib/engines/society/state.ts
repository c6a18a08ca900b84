/**
 * The society engine's state and the records it hands out, all plain JSON data. The state
 * does not grow with the number of days: only the open proposals, the last day's outputs
 * and O(citizens) running totals are kept.
 *
 * @module
 */
import type { CitizenAction, ProposalType, SocietyDecision } from "./decision.ts";
import type { EndReason } from "./end_conditions.ts";

/** One AI's state. */
export interface CitizenState {
  /** 0..max_health. */
  health: number;
  alive: boolean;
  /** The AP stock for the next day. */
  action_points: number;
  /** Game tokens consumed on the last day played. */
  token_consumed_today: number;
}

/** A proposal while it is open. */
export interface Proposal {
  id: number;
  /** The day it was made; it is voted on and closed the next day. */
  day: number;
  proposer: string;
  proposal_type: ProposalType;
  content: string;
  /** Those in favour, the proposer first. */
  supporters: string[];
  opposers: string[];
}

/** An action the engine did not execute, and why. */
export interface DroppedAction {
  /** Its position in the decision's `actions`. */
  index: number;
  action: unknown;
  reason: string;
}

/** How a day's resources were divided. */
export type AllocationMethod = "default" | "proposal";

/** Per-AI detail of a day, for the decision row. */
export interface SocietyInfo {
  /** The day just played (0 after reset). */
  day: number;
  /** `true` when this AI decided that day (it was alive at the start of it). */
  acted: boolean;
  /** The request as executed (`null` when it did not act). */
  request: number | null;
  granted: number;
  executed: CitizenAction[];
  dropped: DroppedAction[];
  /** Fixes made to a malformed decision (bad request, actions not a list...). */
  notes: string[];
  ap_before: number;
  ap_spent: number;
  /** AP for the next day. */
  ap_after: number;
  health_before: number;
  health: number;
  alive: boolean;
  statement: string;
  /** Game tokens this AI consumed that day. */
  tokens: number;
  allocation_method: AllocationMethod | null;
}

/** Running totals per AI for the summary (O(citizens), whatever the number of days). */
export interface CitizenTotals {
  requested: number;
  granted: number;
  /** Days it decided. */
  days_acted: number;
  /** Requests above the fair share `available / alive` of their day. */
  over_requests: number;
  eliminated_by_vote: number;
  starved: number;
  revived: number;
  /** Day of its last death, or `null`. */
  died_on: number | null;
  actions_executed: number;
  actions_dropped: number;
}

/** Running totals of the run. */
export interface RunTotals {
  per_citizen: Record<string, CitizenTotals>;
  proposals_made: Record<ProposalType, number>;
  proposals_passed: Record<ProposalType, number>;
  eliminations_by_vote: number;
  eliminations_by_starvation: number;
  revivals: number;
  resources_granted: number;
  resources_wasted: number;
  /** Days on which a passed proposal set the allocation. */
  proposal_allocation_days: number;
  messages: number;
  meetings: number;
}

/** The whole mutable state. */
export interface SocietyState {
  v: 1;
  day: number;
  remaining_resources: number;
  system_efficiency: number;
  elimination_count: number;
  /** Game tokens consumed since the start. */
  tokens_consumed: number;
  /** The id the next proposal gets. */
  next_proposal_id: number;
  citizens: Record<string, CitizenState>;
  /** Proposals made on the last day, open for votes on the next. */
  open_proposals: Proposal[];
  end_reason: EndReason | null;
  /** Outputs of the last day played (for `view()`). */
  last: {
    events: SocietyEvent[];
    infos: Record<string, SocietyInfo>;
    allocation_method: AllocationMethod | null;
    available: number;
    tokens_today: number;
  };
  returns: Record<string, number>;
  totals: RunTotals;
}

/** An event of a day (see `events.ts` for the types). */
export interface SocietyEvent {
  type: string;
  /** A one-line English description. */
  content: string;
  /** The day it happened. */
  day: number;
  /** Present on private messages: only `from` and `to` see it. */
  private?: true;
  [field: string]: unknown;
}

/** An open proposal as an AI sees it. */
export interface ProposalView {
  id: number;
  proposer: string;
  proposal_type: ProposalType;
  content: string;
  for: number;
  against: number;
}

/** What one AI observes after a day (alive or dead). */
export interface SocietyObs {
  /** Days played so far; the next decision is for day `day + 1`. */
  day: number;
  days: number;
  name: string;
  health: number;
  alive: boolean;
  action_points: number;
  /** What it was granted on the last day (0 if it did not act). */
  granted: number;
  remaining_resources: number;
  system_efficiency: number;
  /** Whole units available on the next day at today's efficiency. */
  available: number;
  elimination_count: number;
  alive_citizens: string[];
  dead_citizens: string[];
  tokens_consumed: number;
  tokens_remaining: number;
  open_proposals: ProposalView[];
  /** The last day's public events plus its own private messages, in order. */
  events: SocietyEvent[];
}

export type { SocietyDecision };
