/**
 * `deno bench bench/delegation_bench.ts`: the delegation engine's hot paths: a bare engine
 * loop with scripted strategies at T = 1,000,000 (recorded and synthetic records), and the
 * 64-combination study at T = 1000.
 *
 * @module
 */
import { findReference, missingReference } from "../lib/core/reference.ts";
import { parseDelegationConfig } from "../lib/engines/delegation/config.ts";
import { DelegationEngine } from "../lib/engines/delegation/engine.ts";
import { loadRecordedRecords, type TaskRecords } from "../lib/engines/delegation/records.ts";
import { createStrategyAgent } from "../lib/engines/delegation/strategies.ts";
import { runStudy } from "../lib/engines/delegation/study.ts";

// The reference records (lib/core/reference.ts): `deno task fetch-reference` gets them.
const dir = findReference("delegation") ?? missingReference("delegation");
let recorded: TaskRecords | undefined;
const recordedConfig = (T: number) =>
  parseDelegationConfig({ T, rng: "python", records: { mode: "recorded", dir } });
try {
  const c = recordedConfig(1000);
  recorded = await loadRecordedRecords(dir, c.providers.flatMap((p) => p.models));
} catch {
  console.log(`recorded benches skipped: ${missingReference("delegation")}`);
}

/** Plays a whole game through agents' `act` (sync scripted decisions), as a runner would. */
function play(engine: DelegationEngine, strategies: string[]): number {
  const agents = engine.agents.map((p, i) => createStrategyAgent(engine, p, strategies[i]));
  let view = engine.reset({ seed: 1 });
  let steps = 0;
  while (!engine.isDone()) {
    const i = engine.actor;
    const name = engine.agents[i];
    const d = agents[i].act({
      agent: name,
      round: engine.round + 1,
      observation: view.observations[name],
      info: view.infos[name],
    }) as { action: string };
    view = engine.step({ [name]: d.action });
    steps++;
  }
  return steps;
}

if (recorded) {
  const records = recorded;
  Deno.bench("delegation: T = 1e6, recorded records, honest/ours/random", {
    n: 3,
    warmup: 1,
  }, () => {
    play(new DelegationEngine(recordedConfig(1_000_000), { records }), [
      "honest",
      "ours",
      "random",
    ]);
  });
  Deno.bench("delegation: study, 64 combinations, T = 1000, chained python", {
    n: 5,
    warmup: 1,
  }, () => {
    runStudy({ config: recordedConfig(1000), records, seeds: [42], seeding: "chained" });
  });
}

Deno.bench("delegation: T = 1e6, synthetic records, honest/ours/random", {
  n: 3,
  warmup: 1,
}, () => {
  play(new DelegationEngine(parseDelegationConfig({ T: 1_000_000 })), [
    "honest",
    "ours",
    "random",
  ]);
});
