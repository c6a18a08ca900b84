/**
 * `deno bench bench/run_overhead_bench.ts`: what the run layer adds per step. A one-agent
 * counter engine is played 100,000 steps by the bare engine loop and by a run session with
 * the checkpoint at the end and no decision rows; the difference divided by the steps is the
 * session's overhead per step.
 *
 * @module
 */
import type { Engine, ResetResult, StepResult } from "../lib/core/game.ts";
import { DecisionRecordSchema } from "../lib/core/records.ts";
import type { Experiment } from "../lib/run/experiment.ts";
import { openRun, runToEnd } from "../lib/run/open.ts";

const STEPS = 100_000;

/** One agent adds its action to a counter. */
class CounterEngine implements Engine<number, number, null, { n: number; sum: number }> {
  readonly name = "counter";
  readonly agents = ["solo"] as const;
  #s = { n: 0, sum: 0 };
  constructor(readonly steps: number) {}
  get round() {
    return this.#s.n;
  }
  reset(): ResetResult<number, null> {
    this.#s = { n: 0, sum: 0 };
    return this.view();
  }
  view(): ResetResult<number, null> {
    return { observations: { solo: this.#s.sum }, infos: { solo: null } };
  }
  step(actions: Record<string, number>): StepResult<number, null> {
    const a = actions.solo;
    this.#s.n++;
    this.#s.sum += a;
    const done = this.#s.n >= this.steps;
    return {
      observations: { solo: this.#s.sum },
      infos: { solo: null },
      rewards: { solo: a },
      terminations: { solo: false },
      truncations: { solo: done },
      events: [],
    };
  }
  liveAgents() {
    return this.isDone() ? [] : ["solo"];
  }
  isDone() {
    return this.#s.n >= this.steps;
  }
  fallbackAction() {
    return 0;
  }
  returns() {
    return { solo: this.#s.sum };
  }
  getState() {
    return { ...this.#s };
  }
  setState(s: { n: number; sum: number }) {
    this.#s = { ...s };
  }
}

const counter: Experiment<{ steps: number }> = {
  name: "counter",
  description: "bench engine",
  horizon: "steps",
  decisionSchema: DecisionRecordSchema,
  verdicts: [],
  parseConfig: (input) => ({ steps: (input as { steps?: number }).steps ?? STEPS }),
  build: (config) => ({
    engine: new CounterEngine(config.steps),
    agents: [{
      name: "solo",
      kind: "policy:one",
      act: () => ({ action: 1 }),
      getState: () => null,
      setState: () => {},
    }],
    decisionRow: (_agent, d, step) => ({ action: d.action, reward: step.rewards.solo }),
    summarize: ({ engine }) => Promise.resolve({ sum: engine.returns().solo }),
  }),
};

Deno.bench("bare engine loop, 100,000 steps", { group: "overhead", baseline: true }, () => {
  const engine = new CounterEngine(STEPS);
  engine.reset();
  while (!engine.isDone()) {
    const live = engine.liveAgents();
    const actions: Record<string, number> = {};
    for (const a of live) actions[a] = 1;
    engine.step(actions);
  }
});

Deno.bench(
  "run session, 100,000 steps, checkpoint at end, no rows",
  { group: "overhead" },
  async (b) => {
    const root = await Deno.makeTempDir({ prefix: "lab-bench-" });
    const session = await openRun({
      experiment: counter,
      config: {},
      seed: 0,
      runsRoot: root,
      reportsRoot: null,
      policy: { checkpointEvery: "end", logDecisions: "none" },
    });
    b.start();
    await runToEnd(session);
    b.end();
    await Deno.remove(root, { recursive: true });
  },
);
