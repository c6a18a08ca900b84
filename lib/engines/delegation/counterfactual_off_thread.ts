/**
 * A run's counterfactual users ({@linkcode counterfactualWorlds}) played on another thread
 * while the run plays: at `T = 1e6` they cost about a quarter of a second, which a second
 * core takes off the run's end. The worker (`counterfactual_worker.ts`) answers once and
 * closes itself; a run that closes without its summary stops it.
 *
 * @example
 * ```ts
 * import { parseDelegationConfig } from "./config.ts";
 * import { counterfactualOffThread } from "./counterfactual_off_thread.ts";
 * const config = parseDelegationConfig({ T: 300 });
 * const strategies = config.providers.map((p) => p.strategy as string);
 * const worlds = await counterfactualOffThread({ config, seed: 1, strategies }).result;
 * console.log(worlds.oracle.user); // oracle
 * ```
 * @module
 */
import type { DelegationConfig } from "./config.ts";
import type { CounterfactualWorlds } from "./counterfactual.ts";
import type { TaskRecords } from "./records.ts";

/** What the worker is sent: plain data (the strategies by built-in name). */
export interface OffThreadWorlds {
  /** The run's config. */
  config: DelegationConfig;
  /** Records for recorded mode. */
  records?: TaskRecords;
  /** The run's seed. */
  seed: number;
  /** One built-in strategy name per provider (a registered one is not known there). */
  strategies: string[];
}

/** The worker's one answer. */
export type OffThreadAnswer = { worlds: CounterfactualWorlds } | { error: string };

/** The counterfactual users being played in a worker. */
export interface OffThreadPlay {
  /** Their outcomes; rejects when the worker failed or was stopped first. */
  result: Promise<CounterfactualWorlds>;
  /** Stops the worker (nothing when it has answered). */
  stop(): void;
}

/**
 * Plays `counterfactualWorlds(options)` in a worker.
 *
 * @param options Config, records, seed and the strategies' built-in names.
 * @returns The play: its result equals `counterfactualWorlds(options)`.
 */
export function counterfactualOffThread(options: OffThreadWorlds): OffThreadPlay {
  const worker = new Worker(new URL("./counterfactual_worker.ts", import.meta.url).href, {
    type: "module",
  });
  let settle: ((answer: OffThreadAnswer) => void) | null = null;
  const result = new Promise<CounterfactualWorlds>((resolve, reject) => {
    settle = (answer) => {
      settle = null;
      worker.terminate();
      if ("error" in answer) reject(new Error(answer.error));
      else resolve(answer.worlds);
    };
  });
  worker.onmessage = (e: MessageEvent<OffThreadAnswer>) => settle?.(e.data);
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    settle?.({ error: e.message });
  };
  worker.postMessage(options);
  return {
    result,
    stop: () => settle?.({ error: "Cannot play the counterfactual users: stopped" }),
  };
}
