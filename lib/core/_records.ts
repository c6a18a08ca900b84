/**
 * The zod objects behind the record schemas of `records.ts`, for engines that extend the
 * shared decision row (`decisionRecordObject.extend({...})`). Private (`_`): the public API
 * is `records.ts`, whose schemas are typed by documented interfaces.
 *
 * @module
 */
import { z } from "zod";

/** The schema version written into every record. */
export const SCHEMA_VERSION = 1;

const version = z.literal(SCHEMA_VERSION);

/** One row per agent per round (`decisions.jsonl`). */
export const decisionRecordObject = z.object({
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
}).passthrough();

/** One row per LLM call (`llm_calls.jsonl`). */
export const llmCallRecordObject = z.object({
  v: version,
  round: z.number().int().min(0),
  agent: z.string(),
  purpose: z.string(),
  model: z.string(),
  prompt_hash: z.string(),
  input_tokens: z.number().int().min(0),
  output_tokens: z.number().int().min(0),
  cached_tokens: z.number().int().min(0),
  /** Prompt tokens written to the provider's prompt cache (Anthropic), part of `input_tokens`. */
  cache_write_tokens: z.number().int().min(0).optional(),
  latency_ms: z.number().min(0),
  cost_usd: z.number().min(0),
  parse_ok: z.boolean(),
  attempts: z.number().int().min(0),
  from_cache: z.boolean(),
  /** `false` when the model has no price in the pricing table (its cost is unknown, not 0). */
  priced: z.boolean().optional(),
  /** The last user message of the request (the system prompt is static and not repeated). */
  prompt: z.string().optional(),
  /** The reply's text (its first 200,000 characters when longer: see `raw_chars`). */
  raw: z.string().optional(),
  /** The whole reply's length in characters, when `raw` holds only its start. */
  raw_chars: z.number().int().min(0).optional(),
  /** The parse or call error, when there was one. */
  error: z.string().optional(),
  /** `true` when the call itself failed (every retry used): no reply, no tokens. */
  failed: z.boolean().optional(),
  /** Why the provider stopped, when not a plain stop: `length`, `content_filter`, `refusal`, `tool_calls`. */
  finish_reason: z.string().optional(),
  /** Why a reply the provider billed carried no usable text (null content, no choices, a refusal...). */
  reply_problem: z.string().optional(),
  /** Which draw of this exact request within the run it was (0 for the first): part of the cache key. */
  sample: z.number().int().min(0).optional(),
  /** The seat the draw was counted for, when not `agent` (a served model in live delegation). */
  draw_seat: z.string().optional(),
  /** Every HTTP attempt's outcome (`ok` or the error kind), status, time and backoff. */
  attempt_log: z.array(z.object({
    attempt: z.number().int().min(1),
    outcome: z.string(),
    status: z.number().int().optional(),
    ms: z.number().min(0),
    wait_ms: z.number().min(0).optional(),
  })).optional(),
});

/** Engine events (`events.jsonl`). */
export const eventRecordObject = z.object({
  v: version,
  round: z.number().int().min(0),
  type: z.string(),
}).passthrough();

/** The state after a round (`checkpoints.jsonl`), what resume starts from. */
export const checkpointRecordObject = z.object({
  v: version,
  round: z.number().int().min(0),
  engine: z.unknown(),
  agents: z.record(z.string(), z.unknown()),
  budget: z.object({ tokens: z.number(), usd: z.number() }),
  /** Decisions of LLM agents and how many of them were fallbacks, up to this step. */
  validity: z.object({ llm_decisions: z.number().int().min(0), fallbacks: z.number().int().min(0) })
    .default({ llm_decisions: 0, fallbacks: 0 }),
});

/** The resolved config of a run (`config.json`), secrets replaced by `<redacted>`. */
export const runConfigObject = z.object({
  v: version,
  experiment: z.string(),
  seed: z.number().int(),
  created_at: z.string(),
  options: z.record(z.string(), z.unknown()),
  config: z.record(z.string(), z.unknown()),
  agents: z.array(z.record(z.string(), z.unknown())).nullable(),
  /** Toolkit version and commit, Deno and package versions, prompt hashes, command line. */
  provenance: z.record(z.string(), z.unknown()).optional(),
});
