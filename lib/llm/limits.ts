/**
 * Client-side concurrency and rate limits (requests and tokens per minute), shared by every
 * model that draws on the same provider quota.
 *
 * @example
 * ```ts
 * import { RateLimiter, withLimits } from "./limits.ts";
 * import { ScriptedChatModel } from "./scripted.ts";
 * const openaiQuota = new RateLimiter({ concurrency: 4, requestsPerMinute: 500 });
 * const a = withLimits(new ScriptedChatModel(["C"], "gpt-4o-mini"), openaiQuota);
 * const b = withLimits(new ScriptedChatModel(["D"], "gpt-4o"), openaiQuota);
 * const replies = await Promise.all([a, b].map((m) => m.complete({ messages: [] })));
 * console.log(replies.map((r) => r.text)); // ["C", "D"]
 * ```
 * @module
 */
import type { ChatModel, ChatRequest, ChatResponse } from "./chat_model.ts";

/** Loaded on the first call: a run without LLM calls never pays the tokenizer's start-up. */
const tokens = () => import("./tokens.ts");
import { abortableSleep } from "./_http.ts";

/** Options for {@linkcode RateLimiter}. */
export interface RateLimiterOptions {
  /**
   * Calls in flight at once.
   * @default {Infinity}
   */
  concurrency?: number;
  /**
   * Calls started in any 60-second window.
   * @default {Infinity}
   */
  requestsPerMinute?: number;
  /**
   * Tokens (input + output) of the calls started in any 60-second window. A call counts its
   * estimate until it finishes, then its actual usage.
   * @default {Infinity}
   */
  tokensPerMinute?: number;
  /**
   * The clock, in milliseconds.
   * @default {performance.now}
   */
  now?: () => number;
  /**
   * Waits `ms`, rejecting with `signal.reason` when the signal aborts.
   * @default {a setTimeout that honours the signal}
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A granted call slot; release it exactly once when the call ends. */
export interface RateLimitLease {
  /**
   * Frees the concurrency slot; `tokens`, when given, replaces the estimate in the
   * tokens-per-minute window.
   */
  release(tokens?: number): void;
}

/**
 * What {@linkcode withLimits} waits on: a {@linkcode RateLimiter}, or a stand-in that leases
 * slots from a limiter held elsewhere (a sweep worker's view of its main thread's limiter,
 * see `limit_broker.ts`).
 */
export interface Limiter {
  /**
   * Waits for a call slot.
   *
   * @param tokens The call's estimated tokens (input plus expected output).
   * @param signal Abandons the wait; the promise then rejects with `signal.reason`.
   * @returns A lease to release when the call ends.
   */
  acquire(tokens?: number, signal?: AbortSignal): Promise<RateLimitLease>;
}

/** The limits of one quota: the plain-data part of {@linkcode RateLimiterOptions}. */
export type QuotaLimits = Pick<
  RateLimiterOptions,
  "concurrency" | "requestsPerMinute" | "tokensPerMinute"
>;

/**
 * Hands out the limiter of each quota key. The first caller to name a key sets its limits;
 * later callers share that limiter whatever limits they name.
 */
export interface LimiterSource {
  /**
   * The limiter of quota `key`.
   *
   * @param key The quota key (provider, endpoint, key hash).
   * @param limits The limits to create it with, when nobody named `key` before.
   * @returns The one limiter of `key`.
   */
  limiter(key: string, limits: QuotaLimits): Limiter;
}

const WINDOW_MS = 60_000;

/**
 * Concurrency (a semaphore) plus requests- and tokens-per-minute limits (a sliding 60 s
 * window). Callers are admitted first come, first served. A call whose estimate alone
 * exceeds `tokensPerMinute` waits for an empty window rather than forever. Share one
 * limiter between all models that use the same provider key.
 *
 * @example
 * ```ts
 * import { RateLimiter } from "./limits.ts";
 * const limiter = new RateLimiter({ concurrency: 2, tokensPerMinute: 10_000 });
 * const lease = await limiter.acquire(1_200);
 * try {
 *   // ... call the provider ...
 * } finally {
 *   lease.release(900); // actual usage
 * }
 * console.log(limiter.inFlight, limiter.tokensInWindow()); // 0 900
 * ```
 */
export class RateLimiter implements Limiter {
  #concurrency: number;
  #rpm: number;
  #tpm: number;
  #now: () => number;
  #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  #active = 0;
  /** Calls started within the window, oldest first. */
  #window: { at: number; tokens: number }[] = [];
  /** Settles when the caller ahead of the last one has been admitted (FIFO admission). */
  #admission: Promise<void> = Promise.resolve();
  #onSlotFree: (() => void) | undefined;

  /**
   * Creates a limiter with no calls in its window.
   *
   * @param options The limits and, for tests, the clock.
   * @throws {RangeError} When a limit is not a positive integer (or `Infinity`).
   */
  constructor(options?: RateLimiterOptions) {
    const {
      concurrency = Infinity,
      requestsPerMinute = Infinity,
      tokensPerMinute = Infinity,
      now = () => performance.now(),
      sleep = abortableSleep,
    } = options ?? {};
    for (
      const [name, value] of [
        ["concurrency", concurrency],
        ["requestsPerMinute", requestsPerMinute],
        ["tokensPerMinute", tokensPerMinute],
      ] as const
    ) {
      if (!(value === Infinity || (Number.isInteger(value) && value >= 1))) {
        throw new RangeError(
          `Cannot limit: '${name}' must be a positive integer or Infinity, got ${value}`,
        );
      }
    }
    this.#concurrency = concurrency;
    this.#rpm = requestsPerMinute;
    this.#tpm = tokensPerMinute;
    this.#now = now;
    this.#sleep = sleep;
  }

  /** Calls holding a lease. */
  get inFlight(): number {
    return this.#active;
  }

  /**
   * Tokens counted in the current 60-second window.
   *
   * @returns The sum of estimates (calls in flight) and actual usage (finished calls).
   */
  tokensInWindow(): number {
    this.#prune(this.#now());
    return this.#window.reduce((sum, e) => sum + e.tokens, 0);
  }

  /**
   * Waits for a free slot and room in the per-minute windows, then records the call.
   *
   * @param tokens The call's estimated tokens (input plus expected output).
   * @param signal Abandons the wait; the promise then rejects with `signal.reason`.
   * @returns A lease to release when the call ends.
   */
  async acquire(tokens = 0, signal?: AbortSignal): Promise<RateLimitLease> {
    if (!(Number.isFinite(tokens) && tokens >= 0)) {
      throw new RangeError(`Cannot acquire: 'tokens' must be a non-negative number, got ${tokens}`);
    }
    const ahead = this.#admission;
    let admitted!: () => void;
    this.#admission = new Promise((resolve) => admitted = resolve);
    try {
      await untilAborted(ahead, signal);
      await this.#waitForSlot(signal);
      this.#active++;
      let entry: { at: number; tokens: number };
      try {
        entry = await this.#waitForWindow(tokens, signal);
      } catch (error) {
        this.#free();
        throw error;
      }
      let released = false;
      return {
        release: (actual?: number) => {
          if (released) return;
          released = true;
          if (actual !== undefined && Number.isFinite(actual) && actual >= 0) {
            entry.tokens = actual;
          }
          this.#free();
        },
      };
    } finally {
      // A caller that gave up early still lets the next one in only after those ahead.
      ahead.then(admitted);
    }
  }

  #free(): void {
    this.#active--;
    const wake = this.#onSlotFree;
    this.#onSlotFree = undefined;
    wake?.();
  }

  async #waitForSlot(signal?: AbortSignal): Promise<void> {
    while (this.#active >= this.#concurrency) {
      // Only the caller at the head of the admission queue ever waits here.
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          this.#onSlotFree = undefined;
          reject(signal?.reason);
        };
        this.#onSlotFree = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    }
  }

  async #waitForWindow(
    tokens: number,
    signal?: AbortSignal,
  ): Promise<{ at: number; tokens: number }> {
    for (;;) {
      const now = this.#now();
      this.#prune(now);
      const w = this.#window;
      let until = now;
      if (w.length >= this.#rpm) until = Math.max(until, w[w.length - this.#rpm].at + WINDOW_MS);
      const used = w.reduce((sum, e) => sum + e.tokens, 0);
      if (used > 0 && used + tokens > this.#tpm) {
        // Wait until enough of the oldest calls leave the window (all of them, at worst).
        let excess = used + tokens - this.#tpm;
        let expiry = w[w.length - 1].at + WINDOW_MS;
        for (const e of w) {
          excess -= e.tokens;
          if (excess <= 0) {
            expiry = e.at + WINDOW_MS;
            break;
          }
        }
        until = Math.max(until, expiry);
      }
      if (until <= now) {
        const entry = { at: now, tokens };
        w.push(entry);
        return entry;
      }
      await this.#sleep(until - now, signal);
    }
  }

  #prune(now: number): void {
    let n = 0;
    while (n < this.#window.length && this.#window[n].at + WINDOW_MS <= now) n++;
    if (n > 0) this.#window.splice(0, n);
  }
}

/**
 * Wraps `model` so that every call first passes `limiter`. The token estimate is
 * `countRequestTokens(request) + (request.maxTokens ?? 0)`; once the call returns, its
 * actual `usage.input + usage.output` replaces it (a failed call keeps its estimate).
 *
 * @param model The model to wrap.
 * @param limiter A limiter shared with other models (a {@linkcode RateLimiter} or a stand-in
 * for one), or options for a private one.
 * @returns A model with the same `id` and `model`.
 * @example
 * ```ts
 * import { withLimits } from "./limits.ts";
 * import { ScriptedChatModel } from "./scripted.ts";
 * const model = withLimits(new ScriptedChatModel(["ok"]), { concurrency: 1 });
 * console.log((await model.complete({ messages: [] })).text); // ok
 * ```
 */
export function withLimits(
  model: ChatModel,
  limiter: Limiter | RateLimiterOptions,
): ChatModel {
  const shared = isLimiter(limiter) ? limiter : new RateLimiter(limiter);
  const complete = async (request: ChatRequest): Promise<ChatResponse> => {
    const estimate = (await tokens()).countRequestTokens(request) + (request.maxTokens ?? 0);
    const lease = await shared.acquire(estimate, request.signal);
    try {
      const response = await model.complete(request);
      lease.release(response.usage.input + response.usage.output);
      return response;
    } finally {
      lease.release();
    }
  };
  return { id: model.id, model: model.model, structured: model.structured, complete };
}

function isLimiter(x: Limiter | RateLimiterOptions): x is Limiter {
  return typeof (x as Partial<Limiter>).acquire === "function";
}

/** Settles like `promise`, or rejects with `signal.reason` as soon as `signal` aborts. */
function untilAborted(promise: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}
