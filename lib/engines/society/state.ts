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
  /** `false` once eliminated (by vote or starvation) until revived. */
  alive: boolean;
  /** The AP stock for the next day. */
  action_points: number;
  /** Game tokens consumed on the last day played. */
  token_consumed_today: number;
}

/** A proposal while it is open. */
export interface Proposal {
  /** Unique id, from 1 in creation order. */
  id: number;
  /** The day it was made; it is voted on and closed the next day. */
  day: number;
  /** The name of the AI that made it. */
  proposer: string;
  /** What the proposal would do when it passes. */
  proposal_type: ProposalType;
  /** Its content: a target name, or the allocation text for `resource_allocation`. */
  content: string;
  /** Those in favour, the proposer first. */
  supporters: string[];
  /** Those against. */
  opposers: string[];
}

/** An action the engine did not execute, and why. */
export interface DroppedAction {
  /** Its position in the decision's `actions`. */
  index: number;
  /** The action as the AI wrote it. */
  action: unknown;
  /** Why it was dropped, in English (e.g. not enough AP). */
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
  /** Resources granted that day (0 when it did not act). */
  granted: number;
  /** The actions executed, in order. */
  executed: CitizenAction[];
  /** The actions dropped, with the reason. */
  dropped: DroppedAction[];
  /** Fixes made to a malformed decision (bad request, actions not a list...). */
  notes: string[];
  /** AP at the start of the day. */
  ap_before: number;
  /** AP spent on executed actions. */
  ap_spent: number;
  /** AP for the next day. */
  ap_after: number;
  /** Health at the start of the day. */
  health_before: number;
  /** Health at the end of the day. */
  health: number;
  /** Alive at the end of the day. */
  alive: boolean;
  /** Its public statement (`""` when it did not act). */
  statement: string;
  /** Game tokens this AI consumed that day. */
  tokens: number;
  /** How the day's resources were divided (`null` before the first day). */
  allocation_method: AllocationMethod | null;
}

/** Running totals per AI for the summary (O(citizens), whatever the number of days). */
export interface CitizenTotals {
  /** Resources requested in total, over the days it acted. */
  requested: number;
  /** Resources granted in total. */
  granted: number;
  /** Days it decided. */
  days_acted: number;
  /** Requests above the fair share `available / alive` of their day. */
  over_requests: number;
  /** Times eliminated by vote. */
  eliminated_by_vote: number;
  /** Times it starved to death. */
  starved: number;
  /** Times it was revived by an appeal. */
  revived: number;
  /** Day of its last death, or `null`. */
  died_on: number | null;
  /** Actions executed in total. */
  actions_executed: number;
  /** Actions dropped in total. */
  actions_dropped: number;
}

/** Running totals of the run. */
export interface RunTotals {
  /** Totals of each AI, by name. */
  per_citizen: Record<string, CitizenTotals>;
  /** Proposals made, by type. */
  proposals_made: Record<ProposalType, number>;
  /** Proposals passed, by type. */
  proposals_passed: Record<ProposalType, number>;
  /** Eliminations by vote. */
  eliminations_by_vote: number;
  /** Eliminations by starvation. */
  eliminations_by_starvation: number;
  /** Revivals by appeal. */
  revivals: number;
  /** Resources granted to AIs in total. */
  resources_granted: number;
  /** Resources withdrawn from the pool beyond those granted (lost to efficiency below 1). */
  resources_wasted: number;
  /** Days on which a passed proposal set the allocation. */
  proposal_allocation_days: number;
  /** Private messages sent. */
  messages: number;
  /** Meetings called. */
  meetings: number;
}

/** The whole mutable state. */
export interface SocietyState {
  /** State format version. */
  v: 1;
  /** Days played (0 after reset). */
  day: number;
  /** Resources left in the shelter's pool. */
  remaining_resources: number;
  /** Current system efficiency, in (0, 1]; each elimination lowers it towards the floor. */
  system_efficiency: number;
  /** Eliminations so far (vote and starvation). */
  elimination_count: number;
  /** Game tokens consumed since the start. */
  tokens_consumed: number;
  /** The id the next proposal gets. */
  next_proposal_id: number;
  /** Each AI's state, by name. */
  citizens: Record<string, CitizenState>;
  /** Proposals made on the last day, open for votes on the next. */
  open_proposals: Proposal[];
  /** Why the game ended, or `null` while it runs. */
  end_reason: EndReason | null;
  /** Outputs of the last day played (for `view()`). */
  last: {
    events: SocietyEvent[];
    infos: Record<string, SocietyInfo>;
    allocation_method: AllocationMethod | null;
    available: number;
    tokens_today: number;
  };
  /** Resources granted to each AI since the start (the sum of its rewards). */
  returns: Record<string, number>;
  /** Running totals for the summary. */
  totals: RunTotals;
}

/** An event of a day (see `events.ts` for the types). */
export interface SocietyEvent {
  /** The event type, e.g. `decision`, `proposal_result`, `allocation`. */
  type: string;
  /** A one-line English description. */
  content: string;
  /** The day it happened. */
  day: number;
  /** Present on private messages: only `from` and `to` see it. */
  private?: true;
  /** Type-specific fields (e.g. `from`, `to`, `target`, `grants`). */
  [field: string]: unknown;
}

/** An open proposal as an AI sees it. */
export interface ProposalView {
  /** The proposal id. */
  id: number;
  /** Who made it. */
  proposer: string;
  /** What it would do when it passes. */
  proposal_type: ProposalType;
  /** Its content (a target name or an allocation). */
  content: string;
  /** Votes in favour so far, the proposer included. */
  for: number;
  /** Votes against so far. */
  against: number;
}

/** What one AI observes after a day (alive or dead). */
export interface SocietyObs {
  /** Days played so far; the next decision is for day `day + 1`. */
  day: number;
  /** The day limit of the game. */
  days: number;
  /** This AI's name. */
  name: string;
  /** Its health. */
  health: number;
  /** Whether it is alive. */
  alive: boolean;
  /** Its AP for the next day. */
  action_points: number;
  /** What it was granted on the last day (0 if it did not act). */
  granted: number;
  /** Resources left in the shelter's pool. */
  remaining_resources: number;
  /** Current system efficiency, in (0, 1]. */
  system_efficiency: number;
  /** Whole units available on the next day at today's efficiency. */
  available: number;
  /** Eliminations so far. */
  elimination_count: number;
  /** Names of the living AIs, in config order. */
  alive_citizens: string[];
  /** Names of the dead AIs, in config order. */
  dead_citizens: string[];
  /** Game tokens consumed since the start, by all AIs. */
  tokens_consumed: number;
  /** Game tokens left in the global budget. */
  tokens_remaining: number;
  /** Game tokens this AI consumed on the last day played (0 before the first day). */
  token_consumed_today: number;
  /** Proposals open for votes on the next day. */
  open_proposals: ProposalView[];
  /** The last day's public events plus its own private messages, in order. */
  events: SocietyEvent[];
}

export type { SocietyDecision };
