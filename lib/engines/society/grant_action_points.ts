/**
 * Phase 6 of a day: tomorrow's AP replace today's. A deciding AI still alive earns
 * `floor(max(0, granted - consumption) / resources_per_action_point)` (`action_points.ts`);
 * one that died today has 0. An AI revived today keeps the 0 its revival gave it.
 *
 * @module
 */
import { actionPointsFor } from "./action_points.ts";
import type { Day } from "./day.ts";

/**
 * Sets tomorrow's AP of the AIs that decided today.
 *
 * @param d The day.
 * @param deciders The AIs that decided today.
 */
export function grantActionPoints(d: Day, deciders: Iterable<string>): void {
  const { s, c } = d;
  for (const n of deciders) {
    const me = s.citizens[n];
    me.action_points = me.alive
      ? actionPointsFor(d.infos[n].granted, c.consumption, c.resources_per_action_point)
      : 0;
  }
}
