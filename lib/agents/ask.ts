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
import type { z } from "zod";
import type { ChatModel, ChatRequest, ChatResponse } from "../llm/chat_model.ts";
import { canonicalJson, sha256Hex } from "../llm/canonical.ts";
import { costUsd, priceOf } from "../llm/pricing.ts";
import { parseReply, retryPrompt } from "../llm/parse.ts";
import { SCHEMA_VERSION } from "../core/records.ts";
import type { CallRecorder } from "./call_recorder.ts";

/** Options of {@linkcode ask}. */
export interface AskOptions<T> {
  model: ChatModel;
  request: ChatRequest;
  schema: z.ZodType<T>;
  agent: string;
  /** What the call is for, e.g. `"decision"` or `"reflection"`. */
  purpose: string;
  recorder: CallRecorder;
  /** Retries after a parse failure, each showing the error to the model. @default {1} */
  parseRetries?: number;
}

/** The outcome of {@linkcode ask}: the parsed value, or the last raw text and error. */
export type AskResult<T> =
  | { ok: true; value: T; text: string }
  | { ok: false; error: string; text: string };

/** Hash of the canonical request (system, messages, sampling); logged as `prompt_hash`. */
export async function promptHash(request: ChatRequest): Promise<string> {
  const { system, messages, temperature, maxTokens, seed } = request;
  return (await sha256Hex(canonicalJson({ system, messages, temperature, maxTokens, seed })))
    .slice(0, 16);
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
    ...(fields.error ? { error: fields.error } : {}),
  });
}

/** Asks `model` for a reply that `schema` accepts. Errors of the call itself propagate. */
export async function ask<T>(options: AskOptions<T>): Promise<AskResult<T>> {
  const { model, schema, agent, purpose, recorder, parseRetries = 1 } = options;
  if (!Number.isInteger(parseRetries) || parseRetries < 0) {
    throw new RangeError(`Cannot ask: 'parseRetries' must be an integer >= 0, got ${parseRetries}`);
  }
  let request = options.request;
  let last: AskResult<T> = { ok: false, error: "no reply", text: "" };
  for (let attempt = 0; attempt <= parseRetries; attempt++) {
    const response = await model.complete(request);
    const parsed = parseReply(response.text, schema);
    await recordCall(recorder, {
      agent,
      purpose: attempt === 0 ? purpose : `${purpose}_retry`,
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
