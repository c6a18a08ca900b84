/**
 * Retries a chat model's transient failures (429, 5xx, timeouts, resets, malformed bodies)
 * with exponential backoff and jitter, honouring the server's `Retry-After`.
 *
 * @example
 * ```ts
 * import { withRetry } from "./retry.ts";
 * import { ScriptedChatModel } from "./scripted.ts";
 * const model = withRetry(new ScriptedChatModel(["ok"]), { maxAttempts: 3 });
 * const reply = await model.complete({ messages: [{ role: "user", content: "hi" }] });
 * console.log(reply.text, reply.attempts); // ok 1
 * ```
 * @module
 */
import { ChatError } from "./chat_model.ts";
import type { AttemptRecord, ChatModel, ChatRequest, ChatResponse } from "./chat_model.ts";
import { abortableSleep } from "./_http.ts";

export { parseRetryAfter } from "./_http.ts";

/** What {@linkcode RetryOptions.onRetry} learns before each wait. */
export interface RetryInfo {
  /** The attempt that just failed, from 1. */
  attempt: number;
  /** Why it failed. */
  error: ChatError;
  /** How long the wrapper will wait before the next attempt. */
  delayMs: number;
}

/** Options for {@linkcode withRetry}. */
export interface RetryOptions {
  /**
   * Attempts in all, the first one included.
   * @default {5}
   */
  maxAttempts?: number;
  /**
   * Backoff before the second attempt, in milliseconds.
   * @default {500}
   */
  baseDelayMs?: number;
  /**
   * Upper bound on the backoff, in milliseconds.
   * @default {30000}
   */
  maxDelayMs?: number;
  /**
   * Growth of the backoff from one attempt to the next.
   * @default {2}
   */
  multiplier?: number;
  /**
   * Fraction of the backoff that is random: the wait is `backoff * (1 - jitter * random())`.
   * @default {0.5}
   */
  jitter?: number;
  /**
   * Upper bound on a server's `Retry-After`, in milliseconds.
   * @default {120000}
   */
  maxRetryAfterMs?: number;
  /**
   * Source of randomness in [0, 1) for the jitter; pass a seeded one for reproducible waits.
   * @default {Math.random}
   */
  random?: () => number;
  /**
   * Waits `ms`, rejecting with `signal.reason` when the request's signal aborts.
   * @default {a setTimeout that honours the signal}
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each wait. */
  onRetry?: (info: RetryInfo) => void;
}

/**
 * A call that still failed after every allowed attempt; `cause` is the last error.
 *
 * @example
 * ```ts
 * import { RetryError, withRetry } from "./retry.ts";
 * import { ChatError } from "./chat_model.ts";
 * const down = {
 *   id: "down",
 *   model: "down",
 *   complete: () => Promise.reject(new ChatError("HTTP 503", "server", 503)),
 * };
 * const model = withRetry(down, { maxAttempts: 2, sleep: () => Promise.resolve() });
 * try {
 *   await model.complete({ messages: [] });
 * } catch (error) {
 *   if (error instanceof RetryError) console.log(error.attempts, error.lastError.kind); // 2 server
 * }
 * ```
 */
export class RetryError extends Error {
  /** Always `"RetryError"`. */
  override name = "RetryError";
  /** Attempts made. */
  readonly attempts: number;
  /** The last attempt's error (also `cause`). */
  readonly lastError: ChatError;
  /** Every attempt's outcome, in order. */
  readonly attemptLog: AttemptRecord[];
  /** Wall time from the first attempt to the last failure, backoff included, in ms. */
  readonly elapsedMs: number;

  /**
   * Builds the message from the last error.
   *
   * @param attempts Attempts made.
   * @param lastError The last attempt's error.
   * @param attemptLog Every attempt's outcome.
   * @param elapsedMs Wall time of all attempts and waits.
   */
  constructor(
    attempts: number,
    lastError: ChatError,
    attemptLog: AttemptRecord[] = [],
    elapsedMs = 0,
  ) {
    const status = lastError.status === undefined ? "" : ` (${lastError.status})`;
    super(
      `LLM call failed after ${attempts} attempts: ${lastError.kind}${status}: ${lastError.message}`,
      { cause: lastError },
    );
    this.attempts = attempts;
    this.lastError = lastError;
    this.attemptLog = attemptLog;
    this.elapsedMs = elapsedMs;
  }
}

/**
 * Wraps `model` so that retryable {@linkcode ChatError}s are retried with exponential
 * backoff and jitter. A server's `retryAfterMs` is honoured: the wait is the larger of the
 * backoff and the `Retry-After` (capped by `maxRetryAfterMs`). Errors that are not
 * retryable, and anything that is not a `ChatError` (an abort, a bug), propagate at once.
 * Put it outside `withLimits` (limits.ts) so that every attempt passes the rate limiter.
 *
 * @param model The model to wrap.
 * @param options Backoff settings.
 * @returns A model with the same `id` and `model`; responses carry `attempts`.
 * @throws {RangeError} When an option is out of range.
 * @throws {RetryError} When the last allowed attempt failed with a retryable error.
 * @example
 * ```ts
 * import { withRetry } from "./retry.ts";
 * import { ChatError } from "./chat_model.ts";
 * import { ScriptedChatModel } from "./scripted.ts";
 * const inner = new ScriptedChatModel(["ok"]);
 * let calls = 0;
 * const flaky = {
 *   id: inner.id,
 *   model: inner.model,
 *   complete: (req: Parameters<typeof inner.complete>[0]) =>
 *     ++calls === 1
 *       ? Promise.reject(new ChatError("HTTP 429", "rate_limit", 429, 1000))
 *       : inner.complete(req),
 * };
 * const waits: number[] = [];
 * const model = withRetry(flaky, {
 *   sleep: (ms) => {
 *     waits.push(ms);
 *     return Promise.resolve();
 *   },
 * });
 * const reply = await model.complete({ messages: [{ role: "user", content: "hi" }] });
 * console.log(reply.attempts, waits); // 2 [1000]
 * ```
 */
export function withRetry(model: ChatModel, options?: RetryOptions): ChatModel {
  const {
    maxAttempts = 5,
    baseDelayMs = 500,
    maxDelayMs = 30_000,
    multiplier = 2,
    jitter = 0.5,
    maxRetryAfterMs = 120_000,
    random = Math.random,
    sleep = abortableSleep,
    onRetry,
  } = options ?? {};
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(
      `Cannot retry: 'maxAttempts' must be a positive integer, got ${maxAttempts}`,
    );
  }
  for (
    const [name, value] of [["baseDelayMs", baseDelayMs], ["maxDelayMs", maxDelayMs], [
      "maxRetryAfterMs",
      maxRetryAfterMs,
    ]] as const
  ) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(
        `Cannot retry: '${name}' must be a non-negative finite number, got ${value}`,
      );
    }
  }
  if (!Number.isFinite(multiplier) || multiplier < 1) {
    throw new RangeError(`Cannot retry: 'multiplier' must be at least 1, got ${multiplier}`);
  }
  if (!(jitter >= 0 && jitter <= 1)) {
    throw new RangeError(`Cannot retry: 'jitter' must be between 0 and 1, got ${jitter}`);
  }

  const delayFor = (attempt: number, error: ChatError): number => {
    const backoff = Math.min(maxDelayMs, baseDelayMs * multiplier ** (attempt - 1));
    const jittered = backoff * (1 - jitter * random());
    const retryAfter = Math.min(error.retryAfterMs ?? 0, maxRetryAfterMs);
    return Math.max(jittered, retryAfter);
  };

  const complete = async (request: ChatRequest): Promise<ChatResponse> => {
    const log: AttemptRecord[] = [];
    const first = performance.now();
    for (let attempt = 1;; attempt++) {
      const start = performance.now();
      try {
        const response = await model.complete(request);
        const ms = round1(performance.now() - start);
        if (log.length === 0) return { ...response, attempts: attempt };
        log.push({ attempt, outcome: "ok", ms });
        // latency covers every attempt and backoff: what the caller waited
        return {
          ...response,
          attempts: attempt,
          attemptLog: log,
          latencyMs: performance.now() - first,
        };
      } catch (error) {
        if (!(error instanceof ChatError)) throw error;
        const ms = round1(performance.now() - start);
        const entry: AttemptRecord = {
          attempt,
          outcome: error.kind,
          ...(error.status === undefined ? {} : { status: error.status }),
          ms,
        };
        log.push(entry);
        if (!error.retryable) {
          if (attempt > 1) error.attemptLog = log;
          throw error;
        }
        if (attempt >= maxAttempts) {
          throw new RetryError(attempt, error, log, performance.now() - first);
        }
        const delayMs = delayFor(attempt, error);
        entry.wait_ms = round1(delayMs);
        onRetry?.({ attempt, error, delayMs });
        await sleep(delayMs, request.signal);
      }
    }
  };
  return { id: model.id, model: model.model, structured: model.structured, complete };
}

function round1(ms: number): number {
  return Math.round(ms * 10) / 10;
}
