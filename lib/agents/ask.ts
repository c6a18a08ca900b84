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
} from "../llm/chat_model.ts";
import { RetryError } from "../llm/retry.ts";
import { replySchema } from "../llm/structured.ts";
import { canonicalJson, sha256Hex } from "../llm/canonical.ts";
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
export async function promptHash(request: ChatRequest): Promise<string> {
  const { system, messages, temperature, maxTokens, seed, schema } = request;
  return (await sha256Hex(
    canonicalJson({ system, messages, temperature, maxTokens, seed, schema }),
  )).slice(0, 16);
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
    latency_ms: Math.round(response.latencyMs * 10) / 10,
    cost_usd: costUsd(fields.model.model, response.usage),
    priced: priceOf(fields.model.model) !== undefined,
    parse_ok: fields.parseOk,
    attempts: response.attempts ?? 1,
    from_cache: response.fromCache ?? false,
    prompt: lastUserMessage(fields.request),
    raw: response.text,
    ...(fields.error ? { error: redactSecrets(fields.error) } : {}),
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
    return await fields.model.complete(fields.request);
  } catch (error) {
    await recordFailure(recorder, { ...fields, error });
    throw error;
  }
}

/** Asks `model` for a reply that `schema` accepts. Errors of the call itself propagate. */
export async function ask<T>(options: AskOptions<T>): Promise<AskResult<T>> {
  const { model, schema, agent, purpose, recorder, parseRetries = 1 } = options;
  if (!Number.isInteger(parseRetries) || parseRetries < 0) {
    throw new RangeError(`Cannot ask: 'parseRetries' must be an integer >= 0, got ${parseRetries}`);
  }
  let request = options.request;
  if (model.structured && request.schema === undefined) {
    const wire = replySchema(options.schemaName ?? "reply", options.replySchema ?? schema);
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
    const parsed = parseReply(response.text, schema);
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
    request = {
      ...request,
      messages: [
        ...request.messages,
        { role: "assistant", content: response.text },
        { role: "user", content: retryPrompt(parsed.error) },
      ],
    };
  }
  return last;
}
