/**
 * A run's counterfactual users ({@linkcode counterfactualWorlds}) played on another thread
 * while the run plays: at `T = 1e6` they cost about a quarter of a second, which a second
 * core takes off the run's end. The worker (`counterfactual_worker.ts`) answers once and
 * closes itself, so a run that never summarises leaves nothing running.
 *
 * @example
 * ```ts
 * import { parseDelegationConfig } from "./config.ts";
 * import { counterfactualOffThread } from "./counterfactual_off_thread.ts";
 * const config = parseDelegationConfig({ T: 300 });
 * const strategies = config.providers.map((p) => p.strategy as string);
 * const worlds = await counterfactualOffThread({ config, seed: 1, strategies });
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

/**
 * Plays `counterfactualWorlds(options)` in a worker.
 *
 * @param options Config, records, seed and the strategies' built-in names.
 * @returns The users' outcomes, equal to `counterfactualWorlds(options)`'s.
 */
export function counterfactualOffThread(options: OffThreadWorlds): Promise<CounterfactualWorlds> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./counterfactual_worker.ts", import.meta.url).href, {
      type: "module",
    });
    worker.onmessage = (e: MessageEvent<OffThreadAnswer>) => {
      worker.terminate();
      if ("error" in e.data) reject(new Error(e.data.error));
      else resolve(e.data.worlds);
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      worker.terminate();
      reject(new Error(e.message));
    };
    worker.postMessage(options);
  });
}
