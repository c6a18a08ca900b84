/**
 * Test helper: plays a blockchain game with given agents and returns its decision rows as
 * the run session writes them.
 *
 * @module
 */
import type { BlockchainConfig } from "../../../lib/engines/blockchain/config.ts";
import { BlockchainEngine } from "../../../lib/engines/blockchain/engine.ts";
import type { DecisionRow } from "../../../lib/engines/blockchain/metrics.ts";
import type { BlockchainAgent } from "../../../lib/engines/blockchain/policies.ts";

/** Plays the whole game; one row per miner per round, in round then seat order. */
export async function playRows(
  config: BlockchainConfig,
  agents: readonly BlockchainAgent[],
): Promise<DecisionRow[]> {
  const engine = new BlockchainEngine(config);
  let view = engine.reset({ seed: 0 });
  const rows: DecisionRow[] = [];
  while (!engine.isDone()) {
    const round = engine.round + 1;
    const ds = await Promise.all(agents.map((a) =>
      a.act({
        agent: a.name,
        round,
        observation: view.observations[a.name],
        info: view.infos[a.name],
      })
    ));
    const step = engine.step(Object.fromEntries(agents.map((a, i) => [a.name, ds[i].action!])));
    for (const a of agents) {
      const d = step.infos[a.name].stepDetail!;
      rows.push({
        round,
        agent: a.name,
        action: d.action,
        reward: d.reward,
        cumulative_reward: d.cumulative_reward,
        efficiency: d.efficiency,
        honest_efficiency: d.honest_efficiency,
        label: d.label,
        parse_ok: !d.fallback,
      });
    }
    view = step;
  }
  return rows;
}
