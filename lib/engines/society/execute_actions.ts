/**
 * AP-limited execution of a decision's actions, in order.
 *
 * @module
 */
import type { DroppedAction } from "./state.ts";

/** The reason given for the actions after the first one that could not be paid. */
export const STOPPED = "not executed: an earlier action could not be paid";

/** The callbacks of {@linkcode executeInOrder}. */
export interface ExecuteHooks<A> {
  /**
   * The action made ready to execute (`{ action }`), or why it is invalid (`{ reason }`:
   * unknown or dead AI, closed proposal, second vote, malformed content...). Must not
   * change anything.
   */
  validate(action: unknown, index: number): { action: A } | { reason: string };
  /** The AP cost of a valid action. */
  cost(action: A): number;
  /** Executes a valid, paid action (its effects are visible to later `validate` calls). */
  apply(action: A, index: number): void;
  /** Extra limit besides the AP stock, e.g. the global token budget: a reason, or `null`. */
  afford?(action: A, cost: number): string | null;
}

/** What {@linkcode executeInOrder} returns. */
export interface ExecuteResult<A> {
  /** The actions executed, in order. */
  executed: A[];
  /** The actions dropped, with their index and the reason. */
  dropped: DroppedAction[];
  /** AP spent on executed actions. */
  spent: number;
  /** AP left. */
  left: number;
}

/**
 * Executes `actions` in order while the AP last:
 *
 *     for each action, in order:
 *       invalid              -> dropped with its reason, no AP spent, go on
 *       cost > AP left       -> dropped ("not enough action points"), and so is every
 *                               later action ({@linkcode STOPPED})
 *       otherwise            -> executed, AP left -= cost
 *
 * @param actions The decision's actions.
 * @param actionPoints The AP stock of the day.
 * @param hooks Validation, cost, effect (and an optional extra limit).
 * @returns Executed and dropped actions and the AP spent and left.
 *
 * @example
 * ```ts
 * import { executeInOrder } from "./execute_actions.ts";
 * const done: string[] = [];
 * const out = executeInOrder(["vote", "oops", "propose", "vote"], 3, {
 *   validate: (a) => (a === "oops" ? { reason: "unknown action type" } : { action: String(a) }),
 *   cost: (a: string) => (a === "vote" ? 1 : 3),
 *   apply: (a: string) => void done.push(a),
 * });
 * console.log(done, out.spent, out.left, out.dropped.map((d) => d.reason));
 * // ["vote"] 1 2 ["unknown action type", "not enough action points (need 3, have 2)", "not executed: ..."]
 * ```
 */
export function executeInOrder<A>(
  actions: readonly unknown[],
  actionPoints: number,
  hooks: ExecuteHooks<A>,
): ExecuteResult<A> {
  const executed: A[] = [];
  const dropped: DroppedAction[] = [];
  let left = actionPoints;
  let stopped = false;
  actions.forEach((action, index) => {
    if (stopped) {
      dropped.push({ index, action, reason: STOPPED });
      return;
    }
    const checked = hooks.validate(action, index);
    if ("reason" in checked) {
      dropped.push({ index, action, reason: checked.reason });
      return;
    }
    const ready = checked.action;
    const cost = hooks.cost(ready);
    if (cost > left) {
      dropped.push({
        index,
        action,
        reason: `not enough action points (need ${cost}, have ${left})`,
      });
      stopped = true;
      return;
    }
    const limit = hooks.afford?.(ready, cost) ?? null;
    if (limit !== null) {
      dropped.push({ index, action, reason: limit });
      stopped = true;
      return;
    }
    left -= cost;
    hooks.apply(ready, index);
    executed.push(ready);
  });
  return { executed, dropped, spent: actionPoints - left, left };
}
