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

const version: z.ZodLiteral<typeof SCHEMA_VERSION> = z.literal(SCHEMA_VERSION);

/**
 * The zod shape of the shared decision row (see {@linkcode decisionRecordObject}): what
 * `decisionRecordObject.shape` holds and what `.extend({...})` adds to or replaces.
 */
export type DecisionRecordShape = {
  /** The schema version ({@linkcode SCHEMA_VERSION}). */
  v: z.ZodLiteral<typeof SCHEMA_VERSION>;
  /** The round, 1-based. */
  round: z.ZodNumber;
  /** The agent's name. */
  agent: z.ZodString;
  /** The action played (its shape is the engine's). */
  action: z.ZodUnknown;
  /** The agent's reward for the round. */
  reward: z.ZodNumber;
  /** `false` when the agent's reply could not be parsed. */
  parse_ok: z.ZodBoolean;
  /** `true` when the agent had no usable action and the engine's fallback was played. */
  fallback: z.ZodDefault<z.ZodBoolean>;
  /** `true` when the reply parsed only after a repair that changed values (e.g. clamping). */
  repaired: z.ZodOptional<z.ZodBoolean>;
};

/** The zod shape of the shared event (see {@linkcode eventRecordObject}). */
export type EventRecordShape = {
  /** The schema version ({@linkcode SCHEMA_VERSION}). */
  v: z.ZodLiteral<typeof SCHEMA_VERSION>;
  /** The round of the event (0 before the first round). */
  round: z.ZodNumber;
  /** The kind of event, e.g. `elimination` (the engine's vocabulary). */
  type: z.ZodString;
};

const decisionShape: DecisionRecordShape = {
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
 * Its type is written out ({@linkcode DecisionRecordShape}), so `.extend({...})` and
 * `.shape` keep zod's precise types.
 */
export const decisionRecordObject: z.ZodObject<DecisionRecordShape, z.core.$loose> = z.object(
  decisionShape,
).passthrough();

/**
 * One engine event (`events.jsonl`) as a zod object, unknown keys kept (see
 * {@linkcode eventSchema}). Not exported by `mod.ts`: import it from this file.
 */
export const eventRecordObject: z.ZodObject<EventRecordShape, z.core.$loose> = z.object({
  v: version,
  round: z.number().int().min(0),
  type: z.string(),
}).passthrough();
