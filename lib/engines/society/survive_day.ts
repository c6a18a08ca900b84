/**
 * Phase 5 of a day: each AI in the allocation eats `consumption` (20); fed, it gains health,
 * short, it loses twice what it lacked (`survival.ts`); at health 0 it starves to death, an
 * elimination (`elimination_by_starvation`, efficiency decay).
 *
 * @module
 */
import type { Day } from "./day.ts";
import { eliminateCitizen } from "./elimination.ts";
import { survive } from "./survival.ts";

/**
 * Applies survival and health to the AIs in today's allocation, in order.
 *
 * @param d The day.
 * @param fed The AIs in the allocation (phase 4), with their grants in `d.infos`.
 */
export function surviveDay(d: Day, fed: readonly string[]): void {
  const { s, c } = d;
  for (const n of fed) {
    const { health, starved } = survive(s.citizens[n].health, d.infos[n].granted, c);
    s.citizens[n].health = health;
    if (!starved) continue;
    eliminateCitizen(d, n, `${n} starves to death`, { type: "elimination_by_starvation" });
    s.totals.eliminations_by_starvation++;
    s.totals.per_citizen[n].starved++;
  }
}
