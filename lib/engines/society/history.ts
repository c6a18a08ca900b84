/**
 * The shelter day by day, as the live page charts it: one {@linkcode DayPoint} per day
 * played (and one for the start), read from the engine's state after the day. The engine
 * keeps no history (its state does not grow with the days), so the server collects the
 * points as it plays and `GET /current_state` returns them as `history`.
 *
 * @example
 * ```ts
 * import { parseSocietyConfig } from "./config.ts";
 * import { SocietyEngine } from "./engine.ts";
 * import { dayPoint } from "./history.ts";
 * const engine = new SocietyEngine(parseSocietyConfig({ citizens: ["a", "b"], days: 3 }));
 * engine.reset({ seed: 0 });
 * console.log(dayPoint(engine.getState(), engine.agents).alive); // 2
 * engine.step({ a: { request: 50, actions: [], statement: "" }, b: { request: 10, actions: [], statement: "" } });
 * const p = dayPoint(engine.getState(), engine.agents);
 * console.log(p.day, p.granted, p.alive); // 1 60 2
 * ```
 * @module
 */
import { availableResources } from "./resources.ts";
import type { SocietyState } from "./state.ts";

/** The shelter at the end of one day (day 0: the start). */
export interface DayPoint {
  /** The day (0 for the start). */
  day: number;
  /** Citizens alive at the end of the day. */
  alive: number;
  /** Resources left in the pool. */
  remaining_resources: number;
  /** What the pool can give the next day. */
  available: number;
  /** Resources granted that day. */
  granted: number;
  /** System efficiency at the end of the day. */
  efficiency: number;
  /** Proposals made that day. */
  proposals_made: number;
  /** Proposals that passed when they closed that day. */
  proposals_passed: number;
  /** Eliminations (by vote or starvation) that day. */
  eliminations: number;
}

/**
 * The shelter after the last day played (before the first: the start, nothing granted).
 *
 * @param s The engine's state.
 * @param agents Every citizen.
 * @returns The point.
 */
export function dayPoint(s: SocietyState, agents: readonly string[]): DayPoint {
  const events = s.day === 0 ? [] : s.last.events;
  const count = (f: (e: (typeof events)[number]) => boolean) => events.filter(f).length;
  const allocation = events.find((e) => e.type === "allocation");
  return {
    day: s.day,
    alive: agents.filter((n) => s.citizens[n].alive).length,
    remaining_resources: s.remaining_resources,
    available: availableResources(s.remaining_resources, s.system_efficiency),
    granted: typeof allocation?.granted_total === "number" ? allocation.granted_total : 0,
    efficiency: s.system_efficiency,
    proposals_made: count((e) => e.type === "proposal_created"),
    proposals_passed: count((e) => e.type === "proposal_result" && e.passed === true),
    eliminations: count((e) =>
      e.type === "elimination_by_vote" || e.type === "elimination_by_starvation"
    ),
  };
}
