/**
 * Sample identity: which *draw* of a request a call is. At temperature > 0 two identical
 * requests are two samples, and two seeds of an experiment are independent samples, so a
 * cached reply may only answer the same draw: the same run seed, the same seat and the same
 * occurrence of that exact request within the run, in a run of the same design
 * (experiment, config, seats), as evaluation harnesses key a rollout id. {@linkcode withDraws} numbers the occurrences and puts the identity on the request
 * (`request.draw`), which the cache makes part of its key.
 *
 * The ledger also carries the paid replies of a step that failed: on resume, the calls
 * logged after the last checkpoint are cut from the logs, and the step is played again. Their
 * replies are offered to the same draws of the replayed step, so a call that was paid for is
 * not paid again and is counted once, in the totals and in the budget.
 *
 * @example
 * ```ts
 * import { DrawLedger, withDraws } from "./draws.ts";
 * import { ScriptedChatModel } from "./scripted.ts";
 * const ledger = new DrawLedger();
 * const model = withDraws(new ScriptedChatModel(["a", "b"]), { ledger, seed: 7, seat: "p1" });
 * const request = { messages: [{ role: "user" as const, content: "move?" }] };
 * const first = await model.complete(request);
 * const second = await model.complete(request);
 * console.log(first.sample, second.sample); // 0 1
 * ```
 * @module
 */
import type { ChatModel, ChatRequest, ChatResponse } from "./chat_model.ts";
import { requestHash } from "./canonical.ts";

const SEP = "\u0000";

/**
 * Counts the draws of every (seat, request) of a run, and holds the replies of abandoned
 * steps for reuse. One ledger per run, shared by all its seats.
 */
export class DrawLedger {
  #next = new Map<string, number>();
  #pool = new Map<string, ChatResponse>();

  /**
   * Takes the next sample index of request `hash` for `seat`.
   *
   * @param seat The asking seat.
   * @param hash The request's {@linkcode requestHash}.
   * @returns The sample index, from 0.
   */
  take(seat: string, hash: string): number {
    const key = seat + SEP + hash;
    const sample = this.#next.get(key) ?? 0;
    this.#next.set(key, sample + 1);
    return sample;
  }

  /**
   * Gives back a sample whose call failed, when no later sample of the same request was
   * taken since, so that the next attempt (or a resume) asks for the same draw.
   */
  giveBack(seat: string, hash: string, sample: number): void {
    const key = seat + SEP + hash;
    if (this.#next.get(key) === sample + 1) this.#next.set(key, sample);
  }

  /**
   * Notes a draw the run already made (on resume, from a kept `llm_calls` row).
   *
   * @param sample The row's sample index; rows without one count as the next occurrence.
   */
  observe(seat: string, hash: string, sample?: number): void {
    const key = seat + SEP + hash;
    const next = this.#next.get(key) ?? 0;
    this.#next.set(key, sample === undefined ? next + 1 : Math.max(next, sample + 1));
  }

  /** `true` when the draw `sample` of `hash` for `seat` was already made. */
  made(seat: string, hash: string, sample: number): boolean {
    return (this.#next.get(seat + SEP + hash) ?? 0) > sample;
  }

  /** Offers the reply of an abandoned step's call to the same draw of the replayed step. */
  offer(seat: string, hash: string, sample: number, response: ChatResponse): void {
    this.#pool.set(seat + SEP + hash + SEP + sample, response);
  }

  /** The offered reply of a draw, handed out once. */
  claim(seat: string, hash: string, sample: number): ChatResponse | undefined {
    const key = seat + SEP + hash + SEP + sample;
    const response = this.#pool.get(key);
    if (response) this.#pool.delete(key);
    return response;
  }

  /** Offered replies not yet claimed. */
  get pooled(): number {
    return this.#pool.size;
  }
}

/** Options of {@linkcode withDraws}. */
export interface DrawOptions {
  /** The run's ledger (shared by its seats). */
  ledger: DrawLedger;
  /** The run's design (a hash of experiment, config and seats); `null` or omitted outside a run. */
  run?: string | null;
  /** The run's seed; `null` or omitted outside a run. */
  seed?: number | null;
  /** The seat (agent name) this model answers for. */
  seat: string;
}

/**
 * Wraps `model` so every request carries its draw identity (`request.draw`), and replies of
 * an abandoned step are reused by the same draws (see the module doc). Put it outside the
 * cache. Responses carry `sample`.
 *
 * @param model The model to wrap (usually the cache).
 * @param options The ledger, the run seed and the seat.
 * @returns A model with the same `id`, `model` and `structured`.
 */
export function withDraws(model: ChatModel, options: DrawOptions): ChatModel {
  const { ledger, seat } = options;
  const seed = options.seed ?? null;
  const run = options.run ?? null;
  return {
    id: model.id,
    model: model.model,
    structured: model.structured,
    async complete(request: ChatRequest): Promise<ChatResponse> {
      const hash = await requestHash(request);
      const sample = ledger.take(seat, hash);
      const pooled = ledger.claim(seat, hash, sample);
      if (pooled) return { ...pooled, sample, seat };
      try {
        const response = await model.complete({ ...request, draw: { run, seed, seat, sample } });
        return { ...response, sample, seat };
      } catch (error) {
        ledger.giveBack(seat, hash, sample);
        throw error;
      }
    },
  };
}
