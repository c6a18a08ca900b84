/**
 * The config a blockchain run played, from its `config.json`: `config.json` keeps the config
 * as given, but an agents file seats its own miners (its names, in order) and may give them
 * hash powers (`hash_power`, recorded in the provenance as `hash_powers`). Reports read the
 * config through this so that they name the miners and hash powers that played.
 *
 * @example
 * ```ts
 * import { seatedConfig } from "./seated_config.ts";
 * const played = seatedConfig({
 *   config: { alpha: [0.25, 0.2, 0.15] },
 *   agents: [{ name: "a" }, { name: "b" }],
 *   provenance: { hash_powers: { alpha: [0.5, 0.1], honest_power: 0.4 } },
 * });
 * console.log(played.miners, played.alpha); // ["a", "b"] [0.5, 0.1]
 * ```
 * @module
 */

/** The parts of `config.json` {@linkcode seatedConfig} reads. */
export interface SeatedConfigInput {
  /** The config as given. */
  config: Record<string, unknown>;
  /** The agents file's agents (redacted), or `null` when the config's miners played. */
  agents?: readonly Record<string, unknown>[] | null;
  /** The run's provenance (`hash_powers` when the agents file gave any). */
  provenance?: unknown;
}

/**
 * The config as played: the agents file's names as `miners` and its hash powers as `alpha`.
 *
 * @param run The run's `config.json`.
 * @returns The config with `miners` and `alpha` as seated (the config itself without agents).
 */
export function seatedConfig(run: SeatedConfigInput): Record<string, unknown> {
  const hashPowers = (run.provenance as { hash_powers?: { alpha?: unknown } } | undefined)
    ?.hash_powers;
  return {
    ...run.config,
    ...(run.agents?.length ? { miners: run.agents.map((a) => String(a.name)) } : {}),
    ...(Array.isArray(hashPowers?.alpha) ? { alpha: hashPowers.alpha } : {}),
  };
}
