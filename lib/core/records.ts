/**
 * The records of a run directory, one zod schema each. Every record carries the schema
 * version `v`; readers validate every line and name the file and line of a bad one.
 *
 * Engines add their own fields to decision rows and events (`passthrough`), so the shared
 * schemas fix only the columns every engine writes.
 *
 * @module
 */
import { z } from "zod";
import { decisionRecordObject, eventRecordObject, SCHEMA_VERSION } from "./record_helpers.ts";

export { SCHEMA_VERSION } from "./record_helpers.ts";

const version = z.literal(SCHEMA_VERSION);

/** One row per LLM call (`llm_calls.jsonl`). */
const llmCallRecordObject = z.object({
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

/** The state after a round (`checkpoints.jsonl`), what resume starts from. */
const checkpointRecordObject = z.object({
  v: version,
  round: z.number().int().min(0),
  engine: z.unknown(),
  agents: z.record(z.string(), z.unknown()),
  budget: z.object({ tokens: z.number(), usd: z.number() }),
  /** Decisions of LLM agents and how many of them were fallbacks, up to this step. */
  validity: z.object({ llm_decisions: z.number().int().min(0), fallbacks: z.number().int().min(0) })
    .default({ llm_decisions: 0, fallbacks: 0 }),
  /** Each log's rows, bytes and digest when the checkpoint was written (absent in old runs). */
  logs: z.partialRecord(
    z.enum(["decisions", "llm_calls", "events", "checkpoints"]),
    z.object({
      rows: z.number().int().min(0),
      bytes: z.number().int().min(0),
      crc32: z.string().regex(/^[0-9a-f]{8}$/).optional(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    }).refine((m) => (m.crc32 === undefined) !== (m.sha256 === undefined), {
      message: "a log mark carries one digest: crc32 or sha256",
    }),
  ).optional(),
  /** The sha256 of the record's JSON without this field (last), checked by resume. */
  check: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});

/** The resolved config of a run (`config.json`), secrets replaced by `<redacted>`. */
const runConfigObject = z.object({
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

/**
 * Any zod schema (zod 4's `ZodType`): the toolkit validates its records, configs and LLM
 * replies with zod (see <https://zod.dev>).
 */
export type ZodSchema = z.ZodType;

/**
 * A zod schema whose parsed output is `T` (what `schema.parse(x)` returns).
 *
 * @typeParam T The parsed (output) type.
 */
export type Schema<T> = ZodSchema & {
  /** zod's internals; `output` is the parsed type. */
  readonly _zod: {
    /** The parsed (output) type, as zod 4 declares it. */
    readonly output: T;
  };
};

/** One row per agent per round (`decisions.jsonl`); engines add their own columns. */
export interface DecisionRecord {
  /** The schema version ({@linkcode SCHEMA_VERSION}). */
  v: typeof SCHEMA_VERSION;
  /** The round, 1-based. */
  round: number;
  /** The agent's name. */
  agent: string;
  /** The action played (its shape is the engine's). */
  action: unknown;
  /** The agent's reward for the round. */
  reward: number;
  /** `false` when the agent's reply could not be parsed. */
  parse_ok: boolean;
  /** `true` when the agent had no usable action and the engine's fallback was played. */
  fallback: boolean;
  /** `true` when the reply parsed only after a repair that changed values (e.g. clamping). */
  repaired?: boolean;
  /** The engine's own columns. */
  [column: string]: unknown;
}

/** One attempt of an LLM call (`LlmCallRecord.attempt_log`). */
export type LlmCallAttempt = {
  /** The attempt's number, 1-based. */
  attempt: number;
  /** `ok`, or the kind of error. */
  outcome: string;
  /** The HTTP status, when there was a response. */
  status?: number;
  /** How long the attempt took, in milliseconds. */
  ms: number;
  /** The backoff before the next attempt, in milliseconds. */
  wait_ms?: number;
};

/** One row per LLM call (`llm_calls.jsonl`). */
export type LlmCallRecord = {
  /** The schema version ({@linkcode SCHEMA_VERSION}). */
  v: typeof SCHEMA_VERSION;
  /** The round being played when the call was made (0 before the first round). */
  round: number;
  /** The agent that made the call. */
  agent: string;
  /** What the call was for, e.g. `decision`, `decision_retry`, `reflection`. */
  purpose: string;
  /** The model that answered, e.g. `gpt-4o-mini`. */
  model: string;
  /** Hash of the canonical request (16 hex digits): equal prompts, equal hashes. */
  prompt_hash: string;
  /** Prompt tokens. */
  input_tokens: number;
  /** Completion tokens. */
  output_tokens: number;
  /** Prompt tokens served from the provider's prompt cache. */
  cached_tokens: number;
  /** Prompt tokens written to the provider's prompt cache (Anthropic), part of `input_tokens`. */
  cache_write_tokens?: number;
  /** Wall time of the call, in milliseconds. */
  latency_ms: number;
  /** The call's cost in US dollars, from the pricing table (0 when unpriced: see `priced`). */
  cost_usd: number;
  /** `false` when the reply could not be parsed. */
  parse_ok: boolean;
  /** HTTP attempts made (1 when the first succeeded). */
  attempts: number;
  /** `true` when the reply came from the local replay cache. */
  from_cache: boolean;
  /** `false` when the model has no price in the pricing table (its cost is unknown, not 0). */
  priced?: boolean;
  /** The last user message of the request (the system prompt is static and not repeated). */
  prompt?: string;
  /** The reply's text (its first 200,000 characters when longer: see `raw_chars`). */
  raw?: string;
  /** The whole reply's length in characters, when `raw` holds only its start. */
  raw_chars?: number;
  /** The parse or call error, when there was one. */
  error?: string;
  /** `true` when the call itself failed (every retry used): no reply, no tokens. */
  failed?: boolean;
  /** Why the provider stopped, when not a plain stop: `length`, `content_filter`, `refusal`, `tool_calls`. */
  finish_reason?: string;
  /** Why a reply the provider billed carried no usable text (null content, no choices, a refusal...). */
  reply_problem?: string;
  /** Which draw of this exact request within the run it was (0 for the first): part of the cache key. */
  sample?: number;
  /** The seat the draw was counted for, when not `agent` (a served model in live delegation). */
  draw_seat?: string;
  /** Every HTTP attempt's outcome (`ok` or the error kind), status, time and backoff. */
  attempt_log?: LlmCallAttempt[];
};

/** An engine event (`events.jsonl`); engines add their own fields. */
export interface EventRecord {
  /** The schema version ({@linkcode SCHEMA_VERSION}). */
  v: typeof SCHEMA_VERSION;
  /** The round of the event (0 before the first round). */
  round: number;
  /** The kind of event, e.g. `elimination` (the engine's vocabulary). */
  type: string;
  /** The engine's own fields. */
  [field: string]: unknown;
}

/** The state after a round (`checkpoints.jsonl`), what resume starts from. */
export type CheckpointRecord = {
  /** The schema version ({@linkcode SCHEMA_VERSION}). */
  v: typeof SCHEMA_VERSION;
  /** The last round played (0: the state before the first round). */
  round: number;
  /** The engine's serialised state. */
  engine: unknown;
  /** Each agent's serialised state, by agent name. */
  agents: Record<string, unknown>;
  /** The budget spent so far: tokens and US dollars. */
  budget: {
    /** Tokens spent. */
    tokens: number;
    /** US dollars spent. */
    usd: number;
  };
  /** Decisions of LLM agents and how many of them were fallbacks, up to this step. */
  validity: {
    /** Decisions made by LLM agents. */
    llm_decisions: number;
    /** How many of them were fallbacks. */
    fallbacks: number;
  };
  /**
   * Each log's rows, bytes and digest when the checkpoint was written (the checkpoints log:
   * before this line), checked by resume before it replays anything; absent in old runs.
   */
  logs?: Partial<Record<Stream, LogMark>>;
  /** The sha256 of the record's JSON without this field (its last), checked by resume. */
  check?: string;
};

/**
 * What a checkpoint records of one log: its rows, bytes and a digest of those bytes, the
 * CRC-32 (`crc32`) or, in runs written before it, the sha256 (see `log_digest.ts`).
 */
export interface LogMark {
  /** Lines in the file. */
  rows: number;
  /** Its length in bytes. */
  bytes: number;
  /** The CRC-32 (zlib's) of its bytes, 8 hex digits. */
  crc32?: string;
  /** The sha256 of its bytes, hex (marks written before CRC-32). */
  sha256?: string;
}

/** The resolved config of a run (`config.json`), secrets replaced by `<redacted>`. */
export type RunConfig = {
  /** The schema version ({@linkcode SCHEMA_VERSION}). */
  v: typeof SCHEMA_VERSION;
  /** The experiment's name, e.g. `ipd`. */
  experiment: string;
  /** The run's seed. */
  seed: number;
  /** When the run was created (ISO 8601). */
  created_at: string;
  /** The run options (language, cache, budget limits, run policy...). */
  options: Record<string, unknown>;
  /** The experiment's config, defaults filled in. */
  config: Record<string, unknown>;
  /** The agents file's agents (redacted), or `null` when the experiment's defaults played. */
  agents: Record<string, unknown>[] | null;
  /** Toolkit version and commit, Deno and package versions, prompt hashes, command line. */
  provenance?: Record<string, unknown>;
};

/** `true` when `A` and `B` are assignable both ways. */
type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The interfaces agree with their schemas (a compile error otherwise).
const _agree: [
  Agree<DecisionRecord, z.output<typeof decisionRecordObject>>,
  Agree<LlmCallRecord, z.output<typeof llmCallRecordObject>>,
  Agree<EventRecord, z.output<typeof eventRecordObject>>,
  Agree<CheckpointRecord, z.output<typeof checkpointRecordObject>>,
  Agree<RunConfig, z.output<typeof runConfigObject>>,
] = [true, true, true, true, true];

/**
 * The schema of a decision row (unknown keys kept: engines add columns). Engines extend
 * the shared row with `decisionRecordObject.extend({...})` (`record_helpers.ts`).
 */
export const DecisionRecordSchema: Schema<DecisionRecord> = decisionRecordObject;

/** The schema of an LLM call row. */
export const LlmCallRecordSchema: Schema<LlmCallRecord> = llmCallRecordObject;

/** The schema of an engine event (unknown keys kept: engines add fields). */
export const EventRecordSchema: Schema<EventRecord> = eventRecordObject;

/** The schema of a checkpoint (`validity` defaults to no decisions). */
export const CheckpointRecordSchema: Schema<CheckpointRecord> = checkpointRecordObject;

/** The schema of `config.json`. */
export const RunConfigSchema: Schema<RunConfig> = runConfigObject;

/** The names of the log streams of a run directory. */
export type Stream = "decisions" | "llm_calls" | "events" | "checkpoints";

/** The schema of each stream. */
export const STREAM_SCHEMAS: Record<Stream, ZodSchema> = {
  decisions: DecisionRecordSchema,
  llm_calls: LlmCallRecordSchema,
  events: EventRecordSchema,
  checkpoints: CheckpointRecordSchema,
};

/** The columns an engine adds to a shared record: column name to its zod schema. */
export type Columns = Record<string, ZodSchema>;

/** The parsed output of each of `C`'s schemas, by column. */
export type ColumnValues<C extends Columns> = { [K in keyof C]: C[K]["_zod"]["output"] };

/** A decision row with an engine's columns (they replace shared ones of the same name). */
export type DecisionRow<C extends Columns> = Omit<DecisionRecord, keyof C> & ColumnValues<C>;

/** An event with an engine's fields (they replace shared ones of the same name). */
export type EventRow<C extends Columns> = Omit<EventRecord, keyof C> & ColumnValues<C>;

/**
 * The schema of an engine's `decisions.jsonl` rows: the shared row extended with its
 * columns (unknown keys kept). Use it as the experiment's `decisionSchema`.
 *
 * @param columns The engine's columns; `action` and `reward` may be narrowed.
 * @returns The schema.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { decisionSchema } from "./records.ts";
 * const schema = decisionSchema({ action: z.enum(["C", "D"]), cumulative_reward: z.number() });
 * const row = schema.parse({
 *   v: 1, round: 1, agent: "p0", action: "C", reward: 3, parse_ok: true, cumulative_reward: 3,
 * });
 * console.log(row.action, row.fallback); // C false
 * ```
 */
export function decisionSchema<C extends Columns>(columns: C): Schema<DecisionRow<C>> {
  return decisionRecordObject.extend(columns) as unknown as Schema<DecisionRow<C>>;
}

/**
 * The schema of an engine's events: the shared event (`v`, `round`, `type`) extended with
 * its fields (unknown keys kept).
 *
 * @param fields The event's fields.
 * @returns The schema.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { eventSchema } from "./records.ts";
 * const schema = eventSchema({ type: z.literal("elimination"), agent: z.string() });
 * console.log(schema.parse({ v: 1, round: 2, type: "elimination", agent: "a" }).agent); // a
 * ```
 */
export function eventSchema<C extends Columns>(fields: C): Schema<EventRow<C>> {
  return eventRecordObject.extend(fields) as unknown as Schema<EventRow<C>>;
}
