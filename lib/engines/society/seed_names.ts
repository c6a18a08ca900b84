/**
 * The one place where the engine's event names and `allocation_method` values meet the
 * seed's. The engine keeps its own names, and this maps them both ways:
 *
 * | the seed                                  | the engine                                               |
 * | ----------------------------------------- | -------------------------------------------------------- |
 * | event `allocation_by_proposal`            | event `allocation` with `method: "proposal"`             |
 * | event `revival_by_appeal`                 | event `revive`                                           |
 * | event `elimination_by_vote`               | the same                                                 |
 * | event `system_efficiency_decay`           | the same                                                 |
 * | `allocation_method = "proposal"`          | `allocation_method = "proposal"`                         |
 * | `allocation_method = "vote_elimination"`  | a day whose last applied proposal was an elimination     |
 * | `allocation_method = "appeal_revival"`    | a day whose last applied proposal was an appeal          |
 * | `allocation_method = "default"`           | a day without an applied proposal                        |
 *
 * Why not rename: the engine's `allocation_method` says how the day's resources were divided
 * (`default` or `proposal`), which the decision rows, the regret analysis and the reports
 * read; the seed's field is overwritten by whichever proposal was handled last, so on a day
 * with an elimination it no longer says how resources were divided. And `revive` is the
 * generic event of a revival that the shared conformance suite (`lib/core/conformance.ts`)
 * checks for every engine. So the engine's logs keep their names, old logs read as they
 * always did, and the seed's view of a day is computed from its events: the HTTP API's
 * `POST /run_next_emergent` answers it as `seed_allocation_method`, and each event's seed
 * name is {@linkcode seedEventType}. The seed handled the proposals one after the other, each
 * passed one setting the field; the engine closes them in id order, so the last applied one
 * in id order decides.
 *
 * @example
 * ```ts
 * import { engineEventType, seedAllocationMethod, seedEventType } from "./seed_names.ts";
 * console.log(seedEventType({ type: "revive" })); // revival_by_appeal
 * console.log(seedEventType({ type: "allocation", method: "proposal" })); // allocation_by_proposal
 * console.log(engineEventType("revival_by_appeal")); // revive
 * console.log(seedAllocationMethod([
 *   { type: "proposal_result", proposal_type: "elimination_vote", applied: true },
 *   { type: "allocation", method: "default" },
 * ])); // vote_elimination
 * ```
 * @module
 */

/** The seed's `allocation_method` values. */
export const SEED_ALLOCATION_METHODS = [
  "default",
  "proposal",
  "vote_elimination",
  "appeal_revival",
] as const;

/** A seed `allocation_method`. */
export type SeedAllocationMethod = typeof SEED_ALLOCATION_METHODS[number];

/** The seed's event names that differ from the engine's, by the engine's. */
export const SEED_EVENT_NAMES: Readonly<Record<string, string>> = Object.freeze({
  revive: "revival_by_appeal",
  allocation: "allocation_by_proposal", // only with method "proposal"
});

/** The fields of an event the mapping reads. */
export interface NamedEvent {
  /** The engine's event type. */
  type: string;
  /** An `allocation` event's method. */
  method?: unknown;
  /** A `proposal_result` event's proposal type. */
  proposal_type?: unknown;
  /** A `proposal_result` event's `applied`. */
  applied?: unknown;
}

/**
 * The seed's name of an engine event: `revival_by_appeal` for `revive`,
 * `allocation_by_proposal` for an `allocation` by proposal, else the engine's name (the
 * seed has no event for a default allocation; it stays `allocation`).
 *
 * @param e The event.
 * @returns The seed's name.
 */
export function seedEventType(e: NamedEvent): string {
  if (e.type === "revive") return "revival_by_appeal";
  if (e.type === "allocation" && e.method === "proposal") return "allocation_by_proposal";
  return e.type;
}

/**
 * The engine's name of an event named as the seed names it (for reading a log written with the
 * seed's names): `revive` for `revival_by_appeal`, `allocation` for
 * `allocation_by_proposal`, else the name as it is.
 *
 * @param type A seed (or engine) event name.
 * @returns The engine's name.
 */
export function engineEventType(type: string): string {
  if (type === "revival_by_appeal") return "revive";
  if (type === "allocation_by_proposal") return "allocation";
  return type;
}

/**
 * The seed's `allocation_method` of a day, from its events: the kind of the last applied
 * proposal in id order (`proposal`, `vote_elimination`, `appeal_revival`), or `default`.
 *
 * @param events The day's events, in order (`proposal_result` events are in id order).
 * @returns The seed's value.
 */
export function seedAllocationMethod(events: readonly NamedEvent[]): SeedAllocationMethod {
  let out: SeedAllocationMethod = "default";
  for (const e of events) {
    if (e.type !== "proposal_result" || e.applied !== true) continue;
    if (e.proposal_type === "resource_allocation") out = "proposal";
    else if (e.proposal_type === "elimination_vote") out = "vote_elimination";
    else if (e.proposal_type === "appeal") out = "appeal_revival";
  }
  return out;
}
