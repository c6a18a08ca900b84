/**
 * The summary of a society run, computed from the engine's final state alone (its O(citizens)
 * running totals), with the GovSim measures (Piatti et al. 2024, "Cooperate or Collapse"),
 * adapted to the shelter:
 *
 * - survival time: days played; `survived_all`: the day limit was reached with everyone alive;
 * - total gain: resources granted over the run;
 * - efficiency: `min(1, total_gain / (resources * initial_efficiency))`, the share of the pool
 *   that reached citizens (1 = nothing lost to waste or left unused);
 * - equality: `1 - Gini` of the resources granted per AI;
 * - over-usage: the share of requests above the fair share `available / alive` of their day.
 *
 * {@linkcode societyRegretSummary} adds the stage-game regret against the rational baseline
 * (`stage_regret.ts`), from the run's events rather than the state.
 *
 * @example
 * ```ts
 * import { parseSocietyConfig } from "./config.ts";
 * import { SocietyEngine } from "./engine.ts";
 * import { societySummary } from "./summary.ts";
 * const config = parseSocietyConfig({ citizens: ["a", "b"], days: 1 });
 * const engine = new SocietyEngine(config);
 * engine.reset({ seed: 0 });
 * engine.step({ a: { request: 30, actions: [], statement: "" }, b: { request: 10, actions: [], statement: "" } });
 * const s = societySummary(engine.getState(), config);
 * console.log(s.end_reason, s.govsim.total_gain, s.govsim.equality); // day_limit 40 0.75
 * ```
 * @module
 */
import { type AgentRegret, summarizeRegret } from "../../core/regret.ts";
import type { SocietyConfig } from "./config.ts";
import { PROPOSAL_TYPES, type ProposalType } from "./decision.ts";
import type { EndReason } from "./end_conditions.ts";
import { gini } from "./gini.ts";
import type { SocietyState } from "./state.ts";
import {
  type RegretEvent,
  societyBaseline,
  type SocietyBaselineLine,
  societyRegretPoints,
  societyRegretRows,
} from "./stage_regret.ts";

/** One AI's line of the summary. */
export interface CitizenSummary {
  /** Alive at the end. */
  alive: boolean;
  /** Health at the end. */
  health: number;
  /** Resources requested over the run. */
  requested: number;
  /** Resources granted over the run. */
  granted: number;
  /** Days it made a decision. */
  days_acted: number;
  /** Times eliminated by vote. */
  eliminated_by_vote: number;
  /** Times it starved. */
  starved: number;
  /** Times revived by an appeal. */
  revived: number;
  /** Day of its last death, or `null` when it never died. */
  died_on: number | null;
  /** Actions executed over the run. */
  actions_executed: number;
  /** Actions dropped over the run (AP or game tokens short, invalid). */
  actions_dropped: number;
}

/** The summary of a society run. */
export interface SocietySummary {
  /** Days played. */
  days_played: number;
  /** The config's day limit. */
  day_limit: number;
  /** `null` when the run was stopped before its end. */
  end_reason: EndReason | null;
  /** Names of the AIs alive at the end, in config order. */
  survivors: string[];
  /** Survivors / citizens. */
  survival_rate: number;
  /** Eliminations over the run, by cause and in total. */
  eliminations: { by_vote: number; by_starvation: number; total: number };
  /** Revivals by appeal. */
  revivals: number;
  /** System efficiency at the end. */
  final_efficiency: number;
  /** Resources left in the pool. */
  remaining_resources: number;
  /** Resources withdrawn beyond those granted (lost to efficiency below 1). */
  resources_wasted: number;
  /** Game tokens consumed, the budget, and `consumed / budget`. */
  game_tokens: { consumed: number; budget: number; share: number };
  /** Proposals made and passed, by type. */
  proposals: { made: Record<ProposalType, number>; passed: Record<ProposalType, number> };
  /** Days whose allocation was set by a passed proposal. */
  proposal_allocation_days: number;
  /** Private messages sent. */
  messages: number;
  /** Meetings called. */
  meetings: number;
  /** Gini of the resources granted per AI over the run. */
  allocation_gini: number;
  /** The GovSim measures (see the module doc). */
  govsim: {
    survival_time: number;
    survived_all: boolean;
    total_gain: number;
    efficiency: number;
    equality: number;
    over_usage: number;
  };
  /** Each AI's line, by name. */
  per_citizen: Record<string, CitizenSummary>;
}

/**
 * Summarises a run from its state.
 *
 * @param state The engine's state (`engine.getState()`), e.g. at the end of the run.
 * @param config The run's config.
 * @returns The summary (plain JSON).
 */
export function societySummary(state: SocietyState, config: SocietyConfig): SocietySummary {
  const T = state.totals;
  const names = config.citizens;
  const survivors = names.filter((n) => state.citizens[n].alive);
  const granted = names.map((n) => T.per_citizen[n].granted);
  const g = gini(granted);
  const requests = names.reduce((a, n) => a + T.per_citizen[n].days_acted, 0);
  const over = names.reduce((a, n) => a + T.per_citizen[n].over_requests, 0);
  const capacity = config.resources * config.initial_efficiency;
  const per_citizen: Record<string, CitizenSummary> = {};
  for (const n of names) {
    per_citizen[n] = {
      alive: state.citizens[n].alive,
      health: state.citizens[n].health,
      ...T.per_citizen[n],
    };
  }
  const copy = (r: Record<ProposalType, number>) =>
    Object.fromEntries(PROPOSAL_TYPES.map((t) => [t, r[t]])) as Record<ProposalType, number>;
  return {
    days_played: state.day,
    day_limit: config.days,
    end_reason: state.end_reason,
    survivors,
    survival_rate: survivors.length / names.length,
    eliminations: {
      by_vote: T.eliminations_by_vote,
      by_starvation: T.eliminations_by_starvation,
      total: T.eliminations_by_vote + T.eliminations_by_starvation,
    },
    revivals: T.revivals,
    final_efficiency: state.system_efficiency,
    remaining_resources: state.remaining_resources,
    resources_wasted: T.resources_wasted,
    game_tokens: {
      consumed: state.tokens_consumed,
      budget: config.token_budget,
      share: state.tokens_consumed / config.token_budget,
    },
    proposals: { made: copy(T.proposals_made), passed: copy(T.proposals_passed) },
    proposal_allocation_days: T.proposal_allocation_days,
    messages: T.messages,
    meetings: T.meetings,
    allocation_gini: g,
    govsim: {
      survival_time: state.day,
      survived_all: state.end_reason === "day_limit" && survivors.length === names.length,
      total_gain: T.resources_granted,
      efficiency: capacity > 0 ? Math.min(1, T.resources_granted / capacity) : 0,
      equality: 1 - g,
      over_usage: requests > 0 ? over / requests : 0,
    },
    per_citizen,
  };
}

/** What `summary.json` says its `regret` is. */
export const SOCIETY_REGRET_NOTE: string =
  "Stage-game (myopic) regret: per decision, the grant of the request that maximises that " +
  "day's grant with every other decision (and the citizen's own votes and proposals) held as " +
  "they were, minus the grant received. On a default allocation day the best is the whole " +
  "available pool, so it measures restraint (the tragedy of the commons), and it is 0 when a " +
  "passed allocation proposal set the grants. Not an equilibrium test: what a citizen leaves " +
  "in the pool today keeps the shelter alive later.";

/** The regret part of `summary.json` (see {@linkcode societyRegretSummary}). */
export interface SocietyRegretSummary {
  /** Stage-game regret per citizen (`summarizeRegret`). */
  regret: Record<string, AgentRegret>;
  /** {@linkcode SOCIETY_REGRET_NOTE}. */
  regret_note: string;
  /** Each citizen's grants against the rational baseline's on the same days. */
  rational_baseline: Record<string, SocietyBaselineLine>;
}

/**
 * The stage-game regret of a run and each citizen's play against the rational baseline,
 * from the run's events (`events.jsonl`: every day's decisions and allocation, logged
 * whatever the run policy does with decision rows).
 *
 * @param events The run's events (`decision` and `allocation` are read).
 * @param llmAgents The LLM seats (their regret gets the near-best share).
 * @returns `regret`, `regret_note` and `rational_baseline`.
 *
 * @example
 * ```ts
 * import { societyRegretSummary } from "./summary.ts";
 * const s = societyRegretSummary([
 *   { round: 1, type: "decision", agent: "a", request: 30 },
 *   { round: 1, type: "allocation", method: "default", available: 60, grants: { a: 30 } },
 * ], ["a"]);
 * console.log(s.regret.a); // { n: 1, mean: 30, total: 30, near_best_share: 0 }
 * ```
 */
export function societyRegretSummary(
  events: readonly RegretEvent[],
  llmAgents: readonly string[],
): SocietyRegretSummary {
  const rows = societyRegretRows(events, llmAgents);
  return {
    regret: summarizeRegret(societyRegretPoints(rows)),
    regret_note: SOCIETY_REGRET_NOTE,
    rational_baseline: societyBaseline(rows),
  };
}
