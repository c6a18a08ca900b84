/**
 * Phase 1 of a day: collect one decision from each living AI, read leniently
 * (`readDecision`: a reply that is not an object is the fallback decision), and record its
 * request and statement on the AI's info.
 *
 * @module
 */
import type { Day } from "./day.ts";
import type { SocietyDecision } from "./decision.ts";
import { type ReadDecision, readDecision } from "./validate_action.ts";

/** The day's decisions, by AI, in config order. */
export type Decisions = Map<string, ReadDecision>;

/**
 * Reads the decision of every AI deciding today; each one's info records that it acted,
 * its request, statement and the notes on what had to be fixed.
 *
 * @param d The day.
 * @param actions The decisions as received, by AI.
 * @param deciders The AIs alive at the start of the day, in config order.
 * @param fallback The fallback decision.
 * @returns The decisions, by AI.
 *
 * @example
 * ```ts
 * import { parseSocietyConfig } from "./config.ts";
 * import { SocietyEngine } from "./engine.ts";
 * import { openDay } from "./day.ts";
 * import { collectDecisions } from "./collect_decisions.ts";
 * const engine = new SocietyEngine(parseSocietyConfig({ citizens: ["a", "b"] }));
 * const d = openDay(engine.getState(), engine.config, engine.agents);
 * const out = collectDecisions(d, { a: { request: "35", actions: [], statement: "" } }, ["a"], engine.fallbackAction("a"));
 * console.log(out.get("a")!.decision.request, d.infos.a.acted); // 35 true
 * ```
 */
export function collectDecisions(
  d: Day,
  actions: Record<string, unknown>,
  deciders: readonly string[],
  fallback: SocietyDecision,
): Decisions {
  const decisions: Decisions = new Map(
    deciders.map((name) => [name, readDecision(actions[name], fallback, d.c.text_max_chars)]),
  );
  for (const [name, { decision, notes }] of decisions) {
    const info = d.infos[name];
    info.acted = true;
    info.request = decision.request;
    info.statement = decision.statement;
    info.notes = notes;
  }
  return decisions;
}
