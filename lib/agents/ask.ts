/**
 * One structured decision from a chat model: call, parse with a zod schema, and on a parse
 * failure retry once with the error shown to the model; every call is recorded (tokens,
 * latency, cost, parse outcome, raw text on failure). When both fail the caller uses the
 * engine's fallback action.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { ask } from "./ask.ts";
 * import { CallRecorder } from "./call_recorder.ts";
 * import { ScriptedChatModel } from "../llm/scripted.ts";
 * const model = new ScriptedChatModel(["oops", "{\"action\": \"C\"}"]);
 * const out = await ask({
 *   model, agent: "a", purpose: "decision", recorder: new CallRecorder(),
 *   request: { messages: [{ role: "user", content: "C or D?" }] },
 *   schema: z.object({ action: z.enum(["C", "D"]) }),
 * });
 * console.log(out.ok && out.value.action); // "C" (after one retry)
 * ```
 * @module
 */
import { redactSecrets } from "../core/redact.ts";
import {
  ChatError,
  type ChatModel,
  type ChatRequest,
  type ChatResponse,
  DEFAULT_REPLY_CAP,
  type ReplySchema,
} from "../llm/chat_model.ts";
import { RetryError } from "../llm/retry.ts";
import { replySchema } from "../llm/structured.ts";
import { requestHash } from "../llm/canonical.ts";
import { costUsd, priceOf } from "../llm/pricing.ts";
import { parseReply, retryPrompt } from "../llm/parse.ts";
import {
  type LlmCallRecord,
  type Schema,
  SCHEMA_VERSION,
  type ZodSchema,
} from "../core/records.ts";
import type { CallRecorder } from "./call_recorder.ts";

/** Options of {@linkcode ask}. */
export interface AskOptions<T> {
  /** The chat model to call. */
  model: ChatModel;
  /** The request (system prompt, messages, sampling). */
  request: ChatRequest;
  /** The schema the reply's JSON is parsed with (coercions and repairs included). */
  schema: Schema<T>;
  /** The agent making the call (logged in `llm_calls.jsonl`). */
  agent: string;
  /** What the call is for, e.g. `"decision"` or `"reflection"`. */
  purpose: string;
  /** Where every call, retries included, is recorded. */
  recorder: CallRecorder;
  /** Retries after a parse failure, each showing the error to the model. @default {1} */
  parseRetries?: number;
  /**
   * The reply's wire format for structured output (a plain zod object, e.g. without the
   * parser's coercions); sent as JSON Schema when `model.structured` is `true`.
   * @default {schema}
   */
  replySchema?: ZodSchema;
  /** The structured-output schema's name. @default {"reply"} */
  schemaName?: string;
}

/** The outcome of {@linkcode ask}: the parsed value, or the last raw text and error. */
export type AskResult<T> =
  | { ok: true; value: T; text: string }
  | { ok: false; error: string; text: string };

/** Hash of the canonical request (system, messages, sampling); logged as `prompt_hash`. */
export function promptHash(request: ChatRequest): Promise<string> {
  return requestHash(request);
}

/** `text` cut to `max` characters, the cut marked. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}...`;
}

/** Characters of a reply kept in its `llm_calls.jsonl` row (`raw`); longer ones are cut. */
export const RAW_LIMIT = 200_000;

/** Characters of a reply shown back to the model by the parse retry, at most. */
export const RETRY_EXCERPT_LIMIT = 2_000;

/**
 * What the parse retry shows the model of its own reply: the reply itself, or for a long
 * one its start and end around a note of how much was cut. A hostile 1 MB reply is not
 * echoed back (and paid for again as input).
 *
 * @param text The reply.
 * @param limit The most characters to keep. @default {RETRY_EXCERPT_LIMIT}
 * @returns The excerpt.
 */
export function replyExcerpt(text: string, limit: number = RETRY_EXCERPT_LIMIT): string {
  if (text.length <= limit) return text;
  let tail = Math.floor(limit / 5);
  let head = limit - tail;
  // never cut a character in two (a surrogate pair: an emoji, a rare CJK character)
  if (isLowSurrogate(text.charCodeAt(head))) head--;
  if (isLowSurrogate(text.charCodeAt(text.length - tail))) tail--;
  return `${text.slice(0, head)}\n[... ${text.length - head - tail} characters cut ...]\n${
    text.slice(text.length - tail)
  }`;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The request with a reply cap: {@linkcode DEFAULT_REPLY_CAP} when the caller set none. */
export function capped(request: ChatRequest): ChatRequest {
  return request.maxTokens === undefined ? { ...request, maxTokens: DEFAULT_REPLY_CAP } : request;
}

/** The text of the request's last user message (what the transcript shows of the prompt). */
function lastUserMessage(request: ChatRequest): string {
  const m = [...request.messages].reverse().find((x) => x.role === "user");
  return typeof m?.content === "string" ? m.content : "";
}

/** Records one call of `model` for `agent` (used by {@linkcode ask} and by free-text calls). */
export async function recordCall(
  recorder: CallRecorder,
  fields: {
    agent: string;
    purpose: string;
    model: ChatModel;
    request: ChatRequest;
    response: ChatResponse;
    parseOk: boolean;
    error?: string;
  },
): Promise<void> {
  const { response } = fields;
  recorder.record({
    v: SCHEMA_VERSION,
    round: recorder.round,
    agent: fields.agent,
    purpose: fields.purpose,
    model: response.model || fields.model.model,
    prompt_hash: await promptHash(fields.request),
    input_tokens: response.usage.input,
    output_tokens: response.usage.output,
    cached_tokens: response.usage.cached,
    ...(response.usage.cacheWrite ? { cache_write_tokens: response.usage.cacheWrite } : {}),
    latency_ms: Math.round(response.latencyMs * 10) / 10,
    cost_usd: costUsd(fields.model.model, response.usage),
    priced: priceOf(fields.model.model) !== undefined,
    parse_ok: fields.parseOk,
    attempts: response.attempts ?? 1,
    from_cache: response.fromCache ?? false,
    prompt: lastUserMessage(fields.request),
    raw: response.text.length > RAW_LIMIT ? response.text.slice(0, RAW_LIMIT) : response.text,
    ...(response.text.length > RAW_LIMIT ? { raw_chars: response.text.length } : {}),
    ...(fields.error ? { error: redactSecrets(clip(fields.error, 2_000)) } : {}),
    ...(response.finishReason ? { finish_reason: response.finishReason } : {}),
    ...(response.problem ? { reply_problem: redactSecrets(response.problem) } : {}),
    ...(response.sample !== undefined ? { sample: response.sample } : {}),
    ...(response.seat !== undefined && response.seat !== fields.agent
      ? { draw_seat: response.seat }
      : {}),
    ...(response.attemptLog ? { attempt_log: response.attemptLog } : {}),
  });
}

/**
 * Records a call that failed (every retry used, or an error not worth retrying): a row
 * with no tokens, `failed: true`, the redacted error, the attempts and each attempt's
 * outcome. Errors other than a `ChatError` or `RetryError` (budget, abort, a bug) are not
 * calls that failed and are not recorded.
 *
 * @returns `true` when a row was written.
 */
export async function recordFailure(
  recorder: CallRecorder,
  fields: {
    agent: string;
    purpose: string;
    model: ChatModel;
    request: ChatRequest;
    error: unknown;
  },
): Promise<boolean> {
  const { error } = fields;
  if (!(error instanceof RetryError) && !(error instanceof ChatError)) return false;
  const log = error instanceof RetryError ? error.attemptLog : error.attemptLog;
  const attempts = error instanceof RetryError ? error.attempts : (log?.length ?? 1);
  const elapsed = error instanceof RetryError
    ? error.elapsedMs
    : (log ?? []).reduce((t, a) => t + a.ms + (a.wait_ms ?? 0), 0);
  recorder.record({
    v: SCHEMA_VERSION,
    round: recorder.round,
    agent: fields.agent,
    purpose: fields.purpose,
    model: fields.model.model,
    prompt_hash: await promptHash(fields.request),
    input_tokens: 0,
    output_tokens: 0,
    cached_tokens: 0,
    latency_ms: Math.round(elapsed * 10) / 10,
    cost_usd: 0,
    priced: priceOf(fields.model.model) !== undefined,
    parse_ok: false,
    attempts,
    from_cache: false,
    prompt: lastUserMessage(fields.request),
    error: redactSecrets(error.message),
    failed: true,
    ...(log ? { attempt_log: log } : {}),
  } as LlmCallRecord);
  return true;
}

/**
 * Calls `model` and records the call: a failed call gets its row (see
 * {@linkcode recordFailure}) before the error propagates.
 */
export async function completeRecorded(
  recorder: CallRecorder,
  fields: { agent: string; purpose: string; model: ChatModel; request: ChatRequest },
): Promise<ChatResponse> {
  try {
    return await fields.model.complete(capped(fields.request));
  } catch (error) {
    await recordFailure(recorder, { ...fields, request: capped(fields.request), error });
    throw error;
  }
}

const built = new WeakMap<object, Map<string, ReplySchema | undefined>>();

/**
 * The strict wire schema of `schema`, built once per schema and name. `replySchema` throws
 * for a schema strict mode would refuse: an engine's bug, reported at its first call.
 */
function wireSchema(
  name: string,
  schema: Parameters<typeof replySchema>[1],
): ReplySchema | undefined {
  let byName = built.get(schema);
  if (!byName) built.set(schema, byName = new Map());
  if (!byName.has(name)) byName.set(name, replySchema(name, schema));
  return byName.get(name);
}

/** Asks `model` for a reply that `schema` accepts. Errors of the call itself propagate. */
export async function ask<T>(options: AskOptions<T>): Promise<AskResult<T>> {
  const { model, schema, agent, purpose, recorder, parseRetries = 1 } = options;
  if (!Number.isInteger(parseRetries) || parseRetries < 0) {
    throw new RangeError(`Cannot ask: 'parseRetries' must be an integer >= 0, got ${parseRetries}`);
  }
  let request = capped(options.request);
  if (model.structured && request.schema === undefined) {
    const wire = wireSchema(options.schemaName ?? "reply", options.replySchema ?? schema);
    if (wire) request = { ...request, schema: wire };
  }
  let last: AskResult<T> = { ok: false, error: "no reply", text: "" };
  for (let attempt = 0; attempt <= parseRetries; attempt++) {
    const callPurpose = attempt === 0 ? purpose : `${purpose}_retry`;
    const response = await completeRecorded(recorder, {
      agent,
      purpose: callPurpose,
      model,
      request,
    });
    const parsed: { ok: true; value: T } | { ok: false; error: string } = response.problem
      ? { ok: false, error: `no usable reply: ${response.problem}` }
      : parseReply(response.text, schema);
    if (!parsed.ok && response.finishReason === "length") {
      parsed.error = `the reply was cut at max_tokens (${request.maxTokens}): ${parsed.error}`;
    }
    await recordCall(recorder, {
      agent,
      purpose: callPurpose,
      model,
      request,
      response,
      parseOk: parsed.ok,
      error: parsed.ok ? undefined : parsed.error,
    });
    if (parsed.ok) return { ok: true, value: parsed.value, text: response.text };
    last = { ok: false, error: parsed.error, text: response.text };
    // Nothing to show the model (no text: a refusal, null content): ask again, a new draw.
    // Otherwise show it an excerpt of its reply and the error, both bounded.
    if (response.text.trim() === "") continue;
    request = {
      ...request,
      messages: [
        ...request.messages,
        { role: "assistant", content: replyExcerpt(response.text) },
        { role: "user", content: retryPrompt(clip(parsed.error, 500)) },
      ],
    };
  }
  return last;
}
