/**
 * Phases 8 and 9 of a day: the day is counted, the end checks run (`end_conditions.ts`: all
 * dead, the day limit, or a budget that cannot pay tomorrow's base costs; a `game_end`
 * event names the reason), each AI's info gets its state at the end of the day, and the
 * day's outputs (events, infos, method, what was available, tokens) become the state's
 * `last`, which the observations are built from.
 *
 * @module
 */
import type { AgentId } from "../../core/game.ts";
import type { Allocation } from "./allocate_resources.ts";
import { aliveCount, type Day } from "./day.ts";
import { endReason } from "./end_conditions.ts";

/** Rewards, terminations and truncations of the day, by AI. */
export interface DayOutcome {
  /** Resources granted today (0 when not acting). */
  rewards: Record<AgentId, number>;
  /** `true` for the dead. */
  terminations: Record<AgentId, boolean>;
  /** `true` for the living when the game ended today. */
  truncations: Record<AgentId, boolean>;
}

function checkEnd(d: Day): void {
  const { s, c } = d;
  const reason = endReason({
    day: d.day,
    days: c.days,
    alive: aliveCount(d),
    consumed: s.tokens_consumed,
    budget: c.token_budget,
    baseCost: c.base_decision_cost,
  });
  if (reason === null) return;
  s.end_reason = reason;
  d.emit("game_end", `the simulation ends: ${reason.replace("_", " ")}`, { reason });
}

/**
 * Ends the day: counts it, runs the end checks, completes the infos and stores the day's
 * outputs in the state.
 *
 * @param d The day.
 * @param allocation What phase 4 decided (method, available).
 * @param tokensToday The game tokens consumed today (phase 7).
 * @returns The day's rewards, terminations and truncations.
 */
export function endDay(d: Day, allocation: Allocation, tokensToday: number): DayOutcome {
  const { s } = d;
  s.day = d.day;
  checkEnd(d);
  const out: DayOutcome = { rewards: {}, terminations: {}, truncations: {} };
  for (const n of d.agents) {
    const me = s.citizens[n];
    const info = d.infos[n];
    info.health = me.health;
    info.alive = me.alive;
    info.ap_after = me.action_points;
    info.allocation_method = allocation.method;
    out.rewards[n] = info.granted;
    out.terminations[n] = !me.alive;
    out.truncations[n] = s.end_reason !== null && me.alive;
  }
  s.last = {
    events: d.events,
    infos: d.infos,
    allocation_method: allocation.method,
    available: allocation.available,
    tokens_today: tokensToday,
  };
  return out;
}
