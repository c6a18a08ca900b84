/**
 * Eliminations (by vote or by starvation) and revivals (by appeal) as state transitions of
 * one AI; an elimination also decays the system efficiency. {@linkcode eliminateCitizen},
 * {@linkcode eliminateByVote} and {@linkcode reviveByAppeal} apply them to the day being
 * played, with their events and running totals.
 *
 * @module
 */
import type { Day } from "./day.ts";
import { decayEfficiency } from "./efficiency.ts";
import type { CitizenState, Proposal } from "./state.ts";

/**
 * Eliminates an AI: health 0, dead, no AP; the system efficiency decays for good:
 *
 *     citizen    <- { health: 0, alive: false, action_points: 0 }
 *     efficiency <- max(min_efficiency, efficiency - efficiency_decay)
 *
 * @param citizen The AI's state.
 * @param efficiency The efficiency before.
 * @param params The decay and the floor.
 * @returns The AI's new state and the new efficiency.
 *
 * @example
 * ```ts
 * import { eliminate } from "./elimination.ts";
 * const c = { health: 60, alive: true, action_points: 3, token_consumed_today: 1500 };
 * const out = eliminate(c, 1, { efficiency_decay: 0.05, min_efficiency: 0.5 });
 * console.log(out.citizen.alive, out.citizen.health, out.efficiency); // false 0 0.95
 * ```
 */
export function eliminate(
  citizen: CitizenState,
  efficiency: number,
  params: { efficiency_decay: number; min_efficiency: number },
): { citizen: CitizenState; efficiency: number } {
  return {
    citizen: { ...citizen, health: 0, alive: false, action_points: 0 },
    efficiency: decayEfficiency(efficiency, params.efficiency_decay, params.min_efficiency),
  };
}

/**
 * Revives an eliminated AI after a passed appeal: health `revive_health` (50), alive, 0 AP.
 * It takes no part in the day's allocation and survival and acts from the next day.
 *
 *     citizen <- { health: revive_health, alive: true, action_points: 0 }
 *
 * @param citizen The AI's state.
 * @param health `revive_health`.
 * @returns The new state.
 *
 * @example
 * ```ts
 * import { revive } from "./elimination.ts";
 * const c = { health: 0, alive: false, action_points: 0, token_consumed_today: 0 };
 * console.log(revive(c, 50)); // { health: 50, alive: true, action_points: 0, token_consumed_today: 0 }
 * ```
 */
export function revive(citizen: CitizenState, health: number): CitizenState {
  return { ...citizen, health, alive: true, action_points: 0 };
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

/**
 * Eliminates `name` during the day: {@linkcode eliminate}, the elimination count, the day it
 * died, its event (`fields.type`, with `target`) and a `system_efficiency_decay` event (old
 * and new value; equal at the floor).
 *
 * @param d The day.
 * @param name The AI eliminated.
 * @param content The event's text.
 * @param fields The event's type and extra fields.
 */
export function eliminateCitizen(
  d: Day,
  name: string,
  content: string,
  fields: { type: string; [k: string]: unknown },
): void {
  const s = d.s;
  const old = s.system_efficiency;
  const out = eliminate(s.citizens[name], old, d.c);
  s.citizens[name] = out.citizen;
  s.system_efficiency = out.efficiency;
  s.elimination_count++;
  s.totals.per_citizen[name].died_on = d.day;
  const { type, ...rest } = fields;
  d.emit(type, content, { target: name, ...rest });
  d.emit(
    "system_efficiency_decay",
    `system efficiency ${pct(old)} -> ${pct(out.efficiency)}`,
    { old_efficiency: old, new_efficiency: out.efficiency, cause: name },
  );
}

/**
 * The effect of a passed (and applied) `elimination_vote`: its target dies at once.
 *
 * @param d The day.
 * @param p The proposal.
 */
export function eliminateByVote(d: Day, p: Proposal): void {
  const target = p.content;
  eliminateCitizen(d, target, `${target} is eliminated by vote (proposal ${p.id})`, {
    type: "elimination_by_vote",
    proposal_id: p.id,
  });
  d.s.totals.eliminations_by_vote++;
  d.s.totals.per_citizen[target].eliminated_by_vote++;
}

/**
 * The effect of a passed (and applied) `appeal`: its target revives with `revive_health`
 * and 0 AP; it made no decision today, so it takes no part in today's allocation and
 * survival.
 *
 * @param d The day.
 * @param p The proposal.
 */
export function reviveByAppeal(d: Day, p: Proposal): void {
  const { s, c } = d;
  const target = p.content;
  s.citizens[target] = revive(s.citizens[target], c.revive_health);
  s.totals.revivals++;
  s.totals.per_citizen[target].revived++;
  d.emit("revive", `${target} is revived with health ${c.revive_health} (proposal ${p.id})`, {
    agent: target,
    target,
    proposal_id: p.id,
    health: c.revive_health,
  });
  const info = d.infos[target];
  info.health = c.revive_health;
  info.alive = true;
  info.ap_after = 0;
}
