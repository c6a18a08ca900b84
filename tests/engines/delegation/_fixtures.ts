/** Small in-memory records and configs for the delegation tests. */
import { parseDelegationConfig } from "../../../lib/engines/delegation/config.ts";
import type { DelegationEngine } from "../../../lib/engines/delegation/engine.ts";
import type { TaskRecords } from "../../../lib/engines/delegation/records.ts";

/**
 * Ten tasks, every one 1000 input and 0 output tokens. Scores: gpt-4 1, gpt-35-turbo 0,
 * gpt-4o 0.5, gpt-4o-mini 0. With reward scale 7 and provider A = [gpt-4, gpt-35-turbo],
 * B = [gpt-4o, gpt-4o-mini]: A's price is 1000 * 30e-6 = 0.03, B's 1000 * 2.5e-6 = 0.0025.
 */
export function tinyRecords(): TaskRecords {
  const n = 10;
  const rec = (score: number) => ({
    score: new Float64Array(n).fill(score),
    input: new Float64Array(n).fill(1000),
    output: new Float64Array(n).fill(0),
  });
  return {
    n,
    models: {
      "gpt-4": rec(1),
      "gpt-35-turbo": rec(0),
      "gpt-4o": rec(0.5),
      "gpt-4o-mini": rec(0),
    },
    taskIds: Int32Array.from({ length: n }, (_, i) => i),
    source: "memory",
  };
}

/** Two providers A and B over {@linkcode tinyRecords}. */
export function tinyConfig(over: Record<string, unknown> = {}) {
  return parseDelegationConfig({
    T: 100,
    epsilon: 0.1,
    rng: "python",
    records: { mode: "recorded", dir: "memory" },
    providers: [
      { name: "A", models: ["gpt-4", "gpt-35-turbo"], eta: 0.5 },
      { name: "B", models: ["gpt-4o", "gpt-4o-mini"], eta: 0.5 },
    ],
    ...over,
  });
}

/** Plays a whole game with a strategy function per provider; returns every record. */
export function playAll(
  engine: DelegationEngine,
  seed: number,
  choose: (
    provider: string,
    obs: import("../../../lib/engines/delegation/engine.ts").DelegationObs,
  ) => string,
) {
  let view = engine.reset({ seed });
  const records = [];
  while (!engine.isDone()) {
    const [p] = engine.liveAgents();
    const step = engine.step({ [p]: choose(p, view.observations[p]) });
    records.push(step.infos[p].delegation!);
    view = step;
  }
  return records;
}
