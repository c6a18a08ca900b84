/**
 * A budget guard shared by every model of a run: once the run has used `maxTokens` tokens or
 * `maxUsd` dollars, the next call throws {@linkcode BudgetExceededError}; the runner catches
 * it, stops cleanly after checkpointing, and the run stays resumable with a larger budget.
 *
 * Replies served from the cache count too, so a rerun stops at the same place.
 *
 * @example
 * ```ts
 * import { Budget, withBudget } from "./budget.ts";
 * import { ScriptedChatModel } from "./scripted.ts";
 * const budget = new Budget({ maxTokens: 1_000 });
 * const model = withBudget(new ScriptedChatModel(["ok"]), budget);
 * await model.complete({ messages: [{ role: "user", content: "hi" }] });
 * console.log(budget.tokens > 0); // true
 * ```
 * @module
 */
import {
  type ChatModel,
  type ChatRequest,
  type ChatResponse,
  DEFAULT_REPLY_CAP,
  type TokenUsage,
} from "./chat_model.ts";
import { costUsd } from "./pricing.ts";

/** Loaded on the first call: a run without LLM calls never pays the tokenizer's start-up. */
const tokens = () => import("./tokens.ts");

/**
 * Output tokens reserved for a call that sets no `maxTokens`: the cap `ask()` puts on such a
 * call ({@linkcode DEFAULT_REPLY_CAP}).
 */
export const DEFAULT_OUTPUT_ESTIMATE: number = DEFAULT_REPLY_CAP;

/** Limits of a {@linkcode Budget}; omitted means unlimited. */
export interface BudgetLimits {
  /** Input plus output tokens for the whole run. */
  maxTokens?: number;
  /** Dollars for the whole run, priced with the pricing table. */
  maxUsd?: number;
}

/** Raised before a call once the budget is spent. */
export class BudgetExceededError extends Error {
  /** The error's name, `BudgetExceededError`. */
  override name = "BudgetExceededError";
}

/**
 * Running totals of a run's LLM use, checked against limits. Calls in flight hold a
 * reservation of their estimated use, so concurrent calls cannot all pass the check at once
 * and overshoot the limit together.
 */
export class Budget {
  /** Tokens used so far (input plus output of every call that ended). */
  tokens = 0;
  /** Dollars spent, in integer nanodollars: sums are exact, whatever order calls end in. */
  #nanoUsd = 0;
  /** Estimated tokens and dollars of the calls in flight. */
  reserved = { tokens: 0, usd: 0 };
  /** The limits checked before each call (none: the budget only counts). */
  readonly limits: BudgetLimits;

  /**
   * An empty budget with the given limits.
   *
   * @param limits Token and dollar limits for the whole run. @default {{}}
   * @throws {RangeError} When a limit is not a positive number.
   */
  constructor(limits: BudgetLimits = {}) {
    for (const [k, v] of Object.entries(limits)) {
      if (v !== undefined && !(Number.isFinite(v) && v > 0)) {
        throw new RangeError(`Cannot create budget: '${k}' must be a positive number, got ${v}`);
      }
    }
    this.limits = limits;
  }

  /**
   * Dollars spent. Each call's cost is rounded to 1e-9 and summed as an integer count of
   * nanodollars, so the total (and every checkpoint) does not depend on the order in which
   * concurrent calls finish.
   */
  get usd(): number {
    return this.#nanoUsd / 1e9;
  }

  /** Sets the dollars spent (on resume, from a checkpoint). */
  set usd(value: number) {
    this.#nanoUsd = Math.round(value * 1e9);
  }

  /** Adds a call's usage. */
  add(model: string, usage: TokenUsage): void {
    this.tokens += usage.input + usage.output;
    this.#nanoUsd += Math.round(costUsd(model, usage) * 1e9);
  }

  /**
   * Throws when a call costing `next` (tokens and dollars) would not fit: the use so far,
   * plus the calls in flight, plus this one, must stay within each limit.
   *
   * @param next The call's reservation. @default {nothing: is any budget left at all?}
   */
  check(next: { tokens: number; usd: number } = { tokens: 0, usd: 0 }): void {
    const { maxTokens, maxUsd } = this.limits;
    if (
      maxTokens !== undefined &&
      (this.tokens + this.reserved.tokens + next.tokens > maxTokens || this.tokens >= maxTokens)
    ) {
      throw new BudgetExceededError(
        `Token budget reached: used ${this.tokens} (+${this.reserved.tokens} in flight, +${next.tokens} for the next call) of --max-tokens ${maxTokens}`,
      );
    }
    if (
      maxUsd !== undefined &&
      (this.usd + this.reserved.usd + next.usd > maxUsd || this.usd >= maxUsd)
    ) {
      throw new BudgetExceededError(
        `Dollar budget reached: used $${this.usd.toFixed(4)} (+$${
          (this.reserved.usd + next.usd).toFixed(4)
        } in flight and next) of --max-usd ${maxUsd}`,
      );
    }
  }

  /**
   * Checks that a call with `estimate` fits (see {@linkcode Budget.check}), then holds it
   * while the call runs; the returned function releases it (call it once the call has ended,
   * before {@linkcode Budget.add}). With every call reserving its input and its `maxTokens`,
   * the limits hold unless a provider returns more than it was asked for.
   */
  reserve(model: string, estimate: TokenUsage): () => void {
    const tokens = estimate.input + estimate.output;
    const usd = costUsd(model, estimate);
    this.check({ tokens, usd });
    this.reserved.tokens += tokens;
    this.reserved.usd += usd;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.reserved.tokens -= tokens;
      this.reserved.usd -= usd;
    };
  }
}

/** Wraps `model` so every call is checked against and added to `budget`. */
export function withBudget(model: ChatModel, budget: Budget): ChatModel {
  return {
    id: model.id,
    model: model.model,
    structured: model.structured,
    async complete(request: ChatRequest): Promise<ChatResponse> {
      const estimate = {
        input: (await tokens()).countRequestTokens(request),
        output: request.maxTokens ?? DEFAULT_OUTPUT_ESTIMATE,
        cached: 0,
      };

      const release = budget.reserve(model.model, estimate);
      try {
        const response = await model.complete(request);
        release();
        budget.add(model.model, response.usage);
        return response;
      } finally {
        release();
      }
    },
  };
}
