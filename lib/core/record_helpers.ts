/**
 * The public record helpers for game authors: the shared decision row and event as zod
 * objects, to extend with an engine's own columns and fields
 * (`decisionRecordObject.extend({...})`, when an engine wants zod's own types; `records.ts`
 * has the same as `decisionSchema` / `eventSchema`, typed by the toolkit's interfaces). Every engine declares its `decisions.jsonl` row this way, so the shared
 * columns (`v`, `round`, `agent`, `action`, `reward`, `parse_ok`, `fallback`) are checked
 * alike in every run directory.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { decisionRecordObject } from "./record_helpers.ts";
 * const MyDecision = decisionRecordObject.extend({ action: z.enum(["C", "D"]), bid: z.number() });
 * const row = MyDecision.parse({
 *   v: 1, round: 1, agent: "p0", action: "C", reward: 3, parse_ok: true, bid: 0.5,
 * });
 * console.log(row.fallback); // false
 * ```
 * @module
 */
import { z } from "zod";

/** The schema version written into every record. */
export const SCHEMA_VERSION = 1;

const version = z.literal(SCHEMA_VERSION);

const decisionShape = {
  v: version,
  round: z.number().int().min(1),
  agent: z.string(),
  action: z.unknown(),
  reward: z.number(),
  parse_ok: z.boolean(),
  /** `true` when the agent had no usable action and the engine's fallback was played. */
  fallback: z.boolean().default(false),
  /** `true` when the reply parsed only after a repair that changed values (e.g. clamping). */
  repaired: z.boolean().optional(),
};

/**
 * One row per agent per round (`decisions.jsonl`) as a zod object, unknown keys kept: an
 * engine that wants zod's own types declares its rows as `decisionRecordObject.extend({...})`
 * (it may narrow `action` and `reward`); {@linkcode decisionSchema} does the same with the
 * toolkit's types. Not exported by `mod.ts` (its type is zod's): import it from this file.
 */
export const decisionRecordObject = z.object(decisionShape).passthrough();

/**
 * One engine event (`events.jsonl`) as a zod object, unknown keys kept (see
 * {@linkcode eventSchema}). Not exported by `mod.ts`: import it from this file.
 */
export const eventRecordObject = z.object({
  v: version,
  round: z.number().int().min(0),
  type: z.string(),
}).passthrough();
