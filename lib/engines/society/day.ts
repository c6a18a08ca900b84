/**
 * The day being played: the context every phase of `SocietyEngine.step` reads and changes
 * (the engine's state, the config, the day's infos and its events). One phase per file, in
 * the SPEC's day order:
 *
 * 1. `collect_decisions.ts`; 2. `spend_action_points.ts` (effects in `apply_action.ts`);
 * 3. `close_proposals.ts` (pass rules in `proposals.ts`, the passes that change nothing in
 * `no_effect.ts`, eliminations and revivals in `elimination.ts`); 4. `allocation.ts`;
 * 5. `survival.ts`; 6. `action_points.ts`; 7. `game_tokens.ts`; 8-9. `end_conditions.ts`.
 *
 * @example
 * ```ts
 * import { parseSocietyConfig } from "./config.ts";
 * import { SocietyEngine } from "./engine.ts";
 * import { openDay } from "./day.ts";
 * const engine = new SocietyEngine(parseSocietyConfig({ citizens: ["a", "b"] }));
 * const d = openDay(engine.getState(), engine.config, engine.agents);
 * d.emit("meeting", "a calls a meeting: food");
 * console.log(d.day, d.events[0].day, d.infos.a.acted); // 1 1 false
 * ```
 * @module
 */
import type { SocietyConfig } from "./config.ts";
import type { SocietyEvent, SocietyInfo, SocietyState } from "./state.ts";

/** Adds an event of the day: its type, one line of English, and its fields. */
export type Emit = (type: string, content: string, fields?: Record<string, unknown>) => void;

/** The day being played. */
export interface Day {
  /** The day's number (1-based): the state's `day + 1` until the day ends. */
  readonly day: number;
  /** The engine's state, changed in place by the phases. */
  readonly s: SocietyState;
  /** The config. */
  readonly c: SocietyConfig;
  /** Every citizen, in config order. */
  readonly agents: readonly string[];
  /** Each citizen's detail of the day (filled in by the phases). */
  readonly infos: Record<string, SocietyInfo>;
  /** The day's events, in order. */
  readonly events: SocietyEvent[];
  /** Adds an event of the day. */
  readonly emit: Emit;
}

/**
 * A citizen's detail when it does not act: its state as it is, nothing requested, granted,
 * executed or spent.
 *
 * @param s The engine's state.
 * @param name The citizen.
 * @returns The info.
 */
export function idleInfo(s: SocietyState, name: string): SocietyInfo {
  const c = s.citizens[name];
  return {
    day: s.day,
    acted: false,
    request: null,
    granted: 0,
    executed: [],
    dropped: [],
    notes: [],
    ap_before: c.action_points,
    ap_spent: 0,
    ap_after: c.action_points,
    health_before: c.health,
    health: c.health,
    alive: c.alive,
    statement: "",
    tokens: 0,
    allocation_method: s.last.allocation_method,
  };
}

/**
 * Opens the next day: every citizen idle until it acts, no events yet.
 *
 * @param s The engine's state (the day is `s.day + 1`).
 * @param c The config.
 * @param agents Every citizen, in config order.
 * @returns The day.
 */
export function openDay(s: SocietyState, c: SocietyConfig, agents: readonly string[]): Day {
  const day = s.day + 1;
  const events: SocietyEvent[] = [];
  const infos: Record<string, SocietyInfo> = {};
  for (const name of agents) infos[name] = { ...idleInfo(s, name), day, allocation_method: null };
  const emit: Emit = (type, content, fields = {}) => events.push({ type, content, day, ...fields });
  return { day, s, c, agents, infos, events, emit };
}

/**
 * How many citizens are alive now.
 *
 * @param d The day.
 * @returns The count.
 */
export function aliveCount(d: Pick<Day, "s" | "agents">): number {
  return d.agents.filter((n) => d.s.citizens[n].alive).length;
}
