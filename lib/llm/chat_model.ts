/**
 * The language-model seam: one small interface that every client (OpenAI, Anthropic,
 * scripted) and every wrapper (retry, limits, budget, cache) implements.
 *
 * @example
 * ```ts
 * import { ScriptedChatModel } from "./scripted.ts";
 * const model = new ScriptedChatModel(["{\"action\": \"C\"}"]);
 * const reply = await model.complete({ messages: [{ role: "user", content: "Move?" }] });
 * console.log(reply.text, reply.usage.input);
 * ```
 * @module
 */

/**
 * Output tokens a request asks for when its caller sets none: `ask()` caps every request
 * with it, and the budget reserves it, so no call can return more than was reserved.
 */
export const DEFAULT_REPLY_CAP = 1024;

/** One message of a conversation. */
export interface ChatMessage {
  /** Who wrote the message: the user (the game) or the assistant (the model). */
  role: "user" | "assistant";
  /** The message's text. */
  content: string;
}

/** A completion request. */
export interface ChatRequest {
  /** The system prompt; keep it static across calls so providers can cache it. */
  system?: string;
  /** The conversation so far, oldest first; the last message is usually the user's. */
  messages: ChatMessage[];
  /** Sampling temperature. */
  temperature?: number;
  /** Upper bound on output tokens. */
  maxTokens?: number;
  /** A sampling seed, passed to providers that accept one. */
  seed?: number;
  /**
   * The reply's JSON Schema, for structured output: OpenAI `response_format` json_schema
   * (strict), Anthropic a forced tool. Set by `ask()` only for models whose `structured` is
   * `true`; other clients ignore it. Part of the cache key.
   */
  schema?: ReplySchema;
  /**
   * Which draw this request is (set by `withDraws`): the run's design, its seed, the seat and
   * the sample index of this exact request within the run. Part of the cache key, so a cached reply
   * answers the same draw, not merely the same prompt; never sent to a provider.
   */
  draw?: DrawIdentity;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/** The identity of one draw from a model (see {@linkcode ChatRequest.draw}). */
export interface DrawIdentity {
  /**
   * The run's design: a hash of its experiment, resolved config and seats (`null` outside a
   * run). Two conditions of a profile, or two cells of a sweep, never share a draw.
   */
  run: string | null;
  /** The run's seed (`null` outside a run). */
  seed: number | null;
  /** The seat (agent name) that asks. */
  seat: string;
  /** The occurrence of this exact request for this seat within the run, from 0. */
  sample: number;
}

/** A JSON Schema for structured replies (see {@linkcode ChatRequest.schema}). */
export interface ReplySchema {
  /** A short name (`[A-Za-z0-9_-]`, at most 64 characters), e.g. `"miner_reply"`. */
  name: string;
  /** The JSON Schema of the reply object (strict: every property required, no others). */
  json: Record<string, unknown>;
}

/** One HTTP attempt of a call, as the retry wrapper saw it. */
export interface AttemptRecord {
  /** The attempt, from 1. */
  attempt: number;
  /** `"ok"`, or the {@linkcode ChatErrorKind} it failed with. */
  outcome: "ok" | ChatErrorKind;
  /** The HTTP status, when there was one. */
  status?: number;
  /** The attempt's wall time, in milliseconds. */
  ms: number;
  /** The backoff that followed it, in milliseconds. */
  wait_ms?: number;
}

/** Token usage reported by the provider (or estimated, for scripted models). */
export interface TokenUsage {
  /** Input (prompt) tokens, cached ones included. */
  input: number;
  /** Output (completion) tokens. */
  output: number;
  /** Input tokens served from the provider's prompt cache. */
  cached: number;
  /**
   * Input tokens written to the provider's prompt cache (Anthropic), included in `input`:
   * billed at the model's cache-write rate. @default {0}
   */
  cacheWrite?: number;
}

/** A completion. */
export interface ChatResponse {
  /** The reply's text. */
  text: string;
  /** The tokens the call used. */
  usage: TokenUsage;
  /** The model that answered, as the provider names it. */
  model: string;
  /**
   * Wall time of the call that produced this text, in milliseconds: with the retry wrapper,
   * from the first attempt to the reply, failed attempts and backoff included.
   */
  latencyMs: number;
  /** HTTP attempts it took (set by the retry wrapper; 1 otherwise). */
  attempts?: number;
  /** Every attempt's outcome, when one failed before the reply (set by the retry wrapper). */
  attemptLog?: AttemptRecord[];
  /** `true` when the reply came from the record/replay cache. */
  fromCache?: boolean;
  /**
   * Why the provider stopped, when it was not a plain stop: `length` (the reply hit
   * `maxTokens` and is cut), `content_filter`, `refusal`, `tool_calls`.
   */
  finishReason?: string;
  /**
   * Why a reply the provider answered (and billed) carries no usable text: no choices, null
   * content, a refusal, tool calls only. `text` is then `""`; the caller counts a fallback.
   */
  problem?: string;
  /** Which draw of this exact request within the run it was, from 0 (set by `withDraws`). */
  sample?: number;
  /** The seat the draw was counted for (set by `withDraws`). */
  seat?: string;
}

/** A chat model. */
export interface ChatModel {
  /** A stable identifier, e.g. `"openai:gpt-4o-mini"`; part of the cache key. */
  readonly id: string;
  /** The model name used for pricing. */
  readonly model: string;
  /** `true` when the client sends {@linkcode ChatRequest.schema} as structured output. */
  readonly structured?: boolean;
  /**
   * Sends one request and returns the reply.
   *
   * @throws {ChatError} When the call fails (its `kind` says whether a retry may help).
   */
  complete(request: ChatRequest): Promise<ChatResponse>;
}

/** Why a call failed, normalised across providers. */
export type ChatErrorKind =
  | "rate_limit"
  | "server"
  | "timeout"
  | "connection"
  | "bad_response"
  | "client"
  | "auth";

/** A failed call, with what a retry policy needs to know. */
export class ChatError extends Error {
  /** The error's name, `ChatError`. */
  override name = "ChatError";
  /**
   * A failed call.
   *
   * @param message What failed, in one line.
   * @param kind Why it failed, normalised across providers.
   * @param status The HTTP status, when there was a response.
   * @param retryAfterMs The server's `Retry-After`, in milliseconds, when it sent one.
   * @param options Standard error options, e.g. `cause`.
   */
  constructor(
    message: string,
    readonly kind: ChatErrorKind,
    readonly status?: number,
    /** The server's `Retry-After`, in milliseconds, when it sent one. */
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** Every attempt's outcome, when the retry wrapper made more than one (set by it). */
  attemptLog?: AttemptRecord[];

  /** `true` for kinds worth retrying: 429, 5xx, timeouts, resets, malformed bodies. */
  get retryable(): boolean {
    return this.kind === "rate_limit" || this.kind === "server" || this.kind === "timeout" ||
      this.kind === "connection" || this.kind === "bad_response";
  }
}
