/**
 * The engine's running tally: bounded (the state and the checkpoint keep their size whatever
 * the horizon), traces as events, fallbacks counted as the decision rows count them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CheckpointRecordSchema } from "../../../lib/core/records.ts";
import { readJsonl } from "../../../lib/core/run_log.ts";
import { Rng } from "../../../lib/core/rng.ts";
import { findExperiment } from "../../../lib/cli/registry.ts";
import { parseBlockchainConfig } from "../../../lib/engines/blockchain/config.ts";
import { BlockchainEngine } from "../../../lib/engines/blockchain/engine.ts";
import { TRACE_POINTS } from "../../../lib/engines/blockchain/tally.ts";
import { openRun, runToEnd } from "../../../lib/run/open.ts";

/** Plays `rounds` rounds of random simplex actions; returns the engine and its trace rounds. */
function play(rounds: number, seed = 1) {
  const engine = new BlockchainEngine(parseBlockchainConfig({ rounds }));
  engine.reset({ seed });
  const rng = new Rng(seed);
  const traced: number[] = [];
  while (!engine.isDone()) {
    const step = engine.step(
      Object.fromEntries(engine.agents.map((a) => [a, rng.dirichlet([1, 1, 1])])),
    );
    for (const e of step.events) if (e.type === "trace") traced.push(e.round as number);
  }
  return { engine, traced };
}

Deno.test("tally: the state's serialised length does not grow with the horizon", () => {
  const size = (rounds: number) => JSON.stringify(play(rounds).engine.getState()).length;
  const [short, long, longer] = [size(100), size(10_000), size(50_000)];
  // the same order: a few more digits in the sums, nothing per round
  assert.ok(long <= short * 1.2, `state: ${short} characters at 100 rounds, ${long} at 10,000`);
  assert.ok(longer <= long * 1.05, `state: ${long} at 10,000 rounds, ${longer} at 50,000`);
});

Deno.test("tally: a traced round per round up to TRACE_POINTS, then a bounded sample", () => {
  assert.deepEqual(play(30).traced, Array.from({ length: 30 }, (_, i) => i + 1));
  const { traced } = play(TRACE_POINTS * 10 + 3);
  assert.ok(traced.length <= TRACE_POINTS + 1, `${traced.length} traced rounds`);
  assert.deepEqual(traced.slice(0, 2), [11, 22]);
  assert.equal(traced.at(-1), TRACE_POINTS * 10 + 3);
});

Deno.test("tally: a fallback handed out by the engine counts, a chosen [1, 0, 0] does not", () => {
  const engine = new BlockchainEngine(parseBlockchainConfig({ rounds: 3 }));
  engine.reset({ seed: 0 });
  const [a, b, c] = engine.agents;
  engine.step({ [a]: engine.fallbackAction(a), [b]: [1, 0, 0], [c]: [0, 0, 0] });
  engine.step({ [a]: [1, 0, 0], [b]: [1, 0, 0], [c]: [0, 1, 0] });
  // a: the session's stand-in for a missing action; c: an action the engine rejected
  assert.deepEqual(engine.tally().miners.map((m) => m.fallbacks), [1, 0, 1]);
  assert.deepEqual(engine.rejected(), []);
});

Deno.test("tally: getState/setState carries the tally; a bad tally is refused", () => {
  const { engine } = play(40);
  const copy = new BlockchainEngine(parseBlockchainConfig({ rounds: 40 }));
  copy.setState(JSON.parse(JSON.stringify(engine.getState())));
  assert.deepEqual(copy.tally(), engine.tally());
  const state = engine.getState();
  assert.throws(
    () => copy.setState({ ...state, tally: { ...state.tally, window: [] } }),
    /tally\.window/,
  );
});

Deno.test("tally: the checkpoint line of 10,000 rounds is the size of 100 rounds'", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-bc-tally-" });
  const line = async (rounds: number) => {
    const out = join(root, `r${rounds}`);
    await runToEnd(
      await openRun({
        experiment: findExperiment("blockchain")!,
        config: { rounds },
        seed: 3,
        out,
        reportsRoot: null,
        policy: { checkpointEvery: "end", logDecisions: "none" },
      }),
    );
    const cps = await readJsonl(join(out, "checkpoints.jsonl"), CheckpointRecordSchema);
    return JSON.stringify(cps.at(-1)).length;
  };
  const [short, long] = [await line(100), await line(10_000)];
  assert.ok(
    long <= short * 1.2,
    `checkpoint: ${short} characters at 100 rounds, ${long} at 10,000`,
  );
  await Deno.remove(root, { recursive: true });
});
