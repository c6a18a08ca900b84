/**
 * One quota across threads. A {@linkcode LimitBroker} on the main thread holds the real
 * {@linkcode RateLimiter}s, one per quota key; in each worker a {@linkcode RemoteLimits}
 * hands the seats stand-in limiters that lease their call slots from the broker over a
 * `MessagePort`. A sweep with four workers then keeps to the quota the user set, not to four
 * of them.
 *
 * The messages are small plain data ({@linkcode LimitRequest}, {@linkcode LimitReply}). They
 * name a quota by its key (provider, endpoint and a hash of the API key), never by the key.
 *
 * @example
 * ```ts
 * import { LimitBroker, RemoteLimits } from "./limit_broker.ts";
 * const broker = new LimitBroker();
 * const { port1, port2 } = new MessageChannel();
 * const link = broker.connect(port1); // main thread; port2 goes to a worker
 * const remote = new RemoteLimits(port2); // in the worker
 * const lease = await remote.limiter("openai|default|1a2b", { concurrency: 1 }).acquire(10);
 * console.log(broker.limiter("openai|default|1a2b")?.inFlight); // 1
 * lease.release(8);
 * link.close(); // the worker is gone: its leases are released, its port closed
 * remote.close();
 * ```
 * @module
 */
import {
  type Limiter,
  type LimiterSource,
  type QuotaLimits,
  RateLimiter,
  type RateLimitLease,
} from "./limits.ts";

/** A message from a worker to the broker. */
export type LimitRequest =
  /** Asks for lease `id` on quota `key` (created with `limits` if new) for `tokens`. */
  | { kind: "acquire"; id: number; key: string; limits: QuotaLimits; tokens: number }
  /** Ends lease `id`: releases it (`tokens`: the actual usage) or, still waiting, withdraws it. */
  | { kind: "release"; id: number; tokens?: number };

/** A message from the broker to a worker. */
export type LimitReply =
  /** Lease `id` is granted: the call may start. */
  | { kind: "granted"; id: number }
  /** Lease `id` cannot be granted (bad limits or token count): `error` says why. */
  | { kind: "refused"; id: number; error: string };

/** A worker's connection to the broker; see {@linkcode LimitBroker.connect}. */
export interface LimitLink {
  /** Leases the worker holds now. */
  readonly leases: number;
  /** Leases the worker waits for now. */
  readonly waiting: number;
  /**
   * Ends the connection: releases every lease the worker holds, withdraws the ones it waits
   * for and closes the port. Call it when the worker is terminated or dies. Idempotent.
   */
  close(): void;
}

/**
 * The main thread's side: one {@linkcode RateLimiter} per quota key, shared by every worker
 * connected to it. The first request to name a key sets its limits.
 */
export class LimitBroker {
  #limiters: Map<string, RateLimiter>;

  /**
   * Creates a broker.
   *
   * @param limiters Limiters by quota key to start with (a test's fake-clock limiter); keys
   * first named later are added to this map.
   */
  constructor(limiters: Map<string, RateLimiter> = new Map()) {
    this.#limiters = limiters;
  }

  /**
   * The limiter of quota `key`, once a worker has named it.
   *
   * @param key The quota key.
   * @returns The limiter, or `undefined`.
   */
  limiter(key: string): RateLimiter | undefined {
    return this.#limiters.get(key);
  }

  /**
   * Serves the worker at the other end of `port` until the link is closed.
   *
   * @param port The main thread's end of a channel whose other end the worker holds.
   * @returns The link; close it when the worker ends.
   */
  connect(port: MessagePort): LimitLink {
    const leases = new Map<number, RateLimitLease>();
    const waiting = new Map<number, AbortController>();
    let closed = false;
    const reply = (message: LimitReply) => {
      if (!closed) port.postMessage(message);
    };
    const acquire = async (m: Extract<LimitRequest, { kind: "acquire" }>) => {
      const stop = new AbortController();
      waiting.set(m.id, stop);
      try {
        let limiter = this.#limiters.get(m.key);
        if (!limiter) {
          const { concurrency, requestsPerMinute, tokensPerMinute } = m.limits;
          limiter = new RateLimiter({ concurrency, requestsPerMinute, tokensPerMinute });
          this.#limiters.set(m.key, limiter);
        }
        const lease = await limiter.acquire(m.tokens, stop.signal);
        if (stop.signal.aborted) return lease.release(); // withdrawn as it was granted
        waiting.delete(m.id);
        leases.set(m.id, lease);
        reply({ kind: "granted", id: m.id });
      } catch (e) {
        if (stop.signal.aborted) return; // withdrawn, or the worker is gone
        waiting.delete(m.id);
        reply({ kind: "refused", id: m.id, error: (e as Error).message });
      }
    };
    port.onmessage = (e: MessageEvent<LimitRequest>) => {
      const m = e.data;
      if (closed) return;
      if (m.kind === "acquire") {
        acquire(m);
        return;
      }
      const stop = waiting.get(m.id);
      if (stop) {
        waiting.delete(m.id);
        stop.abort();
      }
      leases.get(m.id)?.release(m.tokens);
      leases.delete(m.id);
    };
    return {
      get leases() {
        return leases.size;
      },
      get waiting() {
        return waiting.size;
      },
      close() {
        if (closed) return;
        closed = true;
        for (const stop of waiting.values()) stop.abort();
        waiting.clear();
        for (const lease of leases.values()) lease.release();
        leases.clear();
        port.onmessage = null;
        port.close();
      },
    };
  }
}

/**
 * A worker's side: a {@linkcode LimiterSource} whose limiters lease their slots from the
 * {@linkcode LimitBroker} at the other end of `port`. The first seat in this worker to name
 * a quota fixes the limits its requests carry; the broker creates the quota from the first
 * request that reaches it.
 */
export class RemoteLimits implements LimiterSource {
  #port: MessagePort;
  #limiters = new Map<string, Limiter>();
  #pending = new Map<number, (reply: LimitReply) => void>();
  #nextId = 0;

  /**
   * Connects to a broker.
   *
   * @param port This worker's end of the channel the broker serves.
   */
  constructor(port: MessagePort) {
    this.#port = port;
    port.onmessage = (e: MessageEvent<LimitReply>) => {
      const settle = this.#pending.get(e.data.id);
      this.#pending.delete(e.data.id);
      settle?.(e.data);
    };
  }

  /**
   * The stand-in limiter of quota `key`.
   *
   * @param key The quota key (provider, endpoint, key hash).
   * @param limits The limits, when this worker names `key` for the first time.
   * @returns One limiter per key.
   */
  limiter(key: string, limits: QuotaLimits): Limiter {
    let limiter = this.#limiters.get(key);
    if (!limiter) {
      const { concurrency, requestsPerMinute, tokensPerMinute } = limits;
      const plain = { concurrency, requestsPerMinute, tokensPerMinute };
      limiter = { acquire: (tokens = 0, signal) => this.#acquire(key, plain, tokens, signal) };
      this.#limiters.set(key, limiter);
    }
    return limiter;
  }

  /** Stops listening to the broker (waiting calls then wait forever). */
  close(): void {
    this.#port.onmessage = null;
    this.#port.close();
  }

  #acquire(
    key: string,
    limits: QuotaLimits,
    tokens: number,
    signal?: AbortSignal,
  ): Promise<RateLimitLease> {
    if (!(Number.isFinite(tokens) && tokens >= 0)) {
      return Promise.reject(
        new RangeError(`Cannot acquire: 'tokens' must be a non-negative number, got ${tokens}`),
      );
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = this.#nextId++;
    const send = (m: LimitRequest) => this.#port.postMessage(m);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#pending.delete(id);
        send({ kind: "release", id });
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#pending.set(id, (reply) => {
        signal?.removeEventListener("abort", onAbort);
        if (reply.kind === "refused") return reject(new Error(reply.error));
        let released = false;
        resolve({
          release: (actual?: number) => {
            if (released) return;
            released = true;
            send({ kind: "release", id, ...(actual === undefined ? {} : { tokens: actual }) });
          },
        });
      });
      send({ kind: "acquire", id, key, limits, tokens });
    });
  }
}
