/**
 * The worker of `counterfactual_off_thread.ts`: plays the counterfactual users of the run it
 * is sent, answers once and closes. A worker's entry: nothing imports it.
 *
 * @module
 */
import { counterfactualWorlds } from "./counterfactual.ts";
import type { OffThreadAnswer, OffThreadWorlds } from "./counterfactual_off_thread.ts";

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;
scope.onmessage = (e: MessageEvent<OffThreadWorlds>) => {
  let answer: OffThreadAnswer;
  try {
    answer = { worlds: counterfactualWorlds(e.data) };
  } catch (err) {
    answer = { error: err instanceof Error ? err.message : String(err) };
  }
  scope.postMessage(answer);
  scope.close();
};
