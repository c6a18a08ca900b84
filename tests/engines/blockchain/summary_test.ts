/**
 * The blockchain summary from the engine's tally: the same as the summary computed from every
 * decision row (the Polars oracle of `_row_summary.ts`), and the same whatever
 * `--log-decisions` logs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { findReference } from "../../../lib/core/reference.ts";
import { findExperiment } from "../../../lib/cli/registry.ts";
import { parseBlockchainConfig } from "../../../lib/engines/blockchain/config.ts";
import { TRACE_POINTS } from "../../../lib/engines/blockchain/tally.ts";
import { openRun, runToEnd } from "../../../lib/run/open.ts";
import { summarizeFromRows } from "./_row_summary.ts";

const blockchain = findExperiment("blockchain")!;
const REFERENCE = findReference("blockchain/rq2_result.json");

interface Case {
  config: Record<string, unknown>;
  seed: number;
  logDecisions?: string;
  replay?: string;
  agents?: Record<string, unknown>[];
}

/** Runs one blockchain run into `out` and returns its summary. */
async function run(out: string, c: Case): Promise<Record<string, unknown>> {
  const session = await openRun({
    experiment: blockchain,
    config: c.config,
    seed: c.seed,
    out,
    reportsRoot: null,
    ...(c.replay ? { replay: c.replay } : {}),
    // deno-lint-ignore no-explicit-any
    ...(c.agents ? { agents: c.agents as any } : {}),
    policy: { checkpointEvery: "end", ...(c.logDecisions ? { logDecisions: c.logDecisions } : {}) },
  });
  return (await runToEnd(session)).summary;
}

/** Checks every field the oracle computes is the same, as JSON text (key order included). */
async function assertSameAsRows(dir: string, summary: Record<string, unknown>) {
  // the config the run played: its miners are those of the agents file or the replay
  const cfg = parseBlockchainConfig({
    ...JSON.parse(await Deno.readTextFile(join(dir, "config.json"))).config,
    miners: summary.miners,
  });
  const oracle = await summarizeFromRows(dir, cfg);
  const picked = Object.fromEntries(Object.keys(oracle).map((k) => [k, summary[k]]));
  for (const k of Object.keys(oracle)) {
    assert.equal(JSON.stringify(summary[k]), JSON.stringify(oracle[k]), `summary.${k}`);
  }
  assert.equal(JSON.stringify(picked), JSON.stringify(oracle));
}

const CASES: Case[] = [
  { config: {}, seed: 0 },
  { config: {}, seed: 7 },
  { config: { kappa: 0.3, rounds: 60 }, seed: 3 },
  { config: { rounds: 1 }, seed: 1 },
  { config: { rounds: 5, late_window: 2 }, seed: 2 },
  { config: { rounds: TRACE_POINTS, late_window: 50 }, seed: 4 },
  {
    config: { rounds: 40 },
    seed: 5,
    agents: [
      { name: "a", provider: "policy", policy: "greedy" },
      { name: "b", provider: "policy", policy: "honest" },
      { name: "c", provider: "policy", policy: "adaptive" },
    ],
  },
];

Deno.test("blockchain summary: the tally gives the summary every row gave", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-bc-summary-" });
  for (const [i, c] of CASES.entries()) {
    const dir = join(root, `r${i}`);
    await assertSameAsRows(dir, await run(dir, c));
  }
  await Deno.remove(root, { recursive: true });
});

Deno.test({
  name: "blockchain summary: the replay of rq2_result.json (LLM seats) as every row gave it",
  ignore: REFERENCE === null,
}, async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-bc-summary-" });
  const c = { config: { kappa: 0.3 }, seed: 0, replay: REFERENCE! };
  const all = await run(join(root, "all"), c);
  await assertSameAsRows(join(root, "all"), all);
  const none = await run(join(root, "none"), { ...c, logDecisions: "none" });
  delete all.returns;
  assert.equal(JSON.stringify(none), JSON.stringify(all));
  await Deno.remove(root, { recursive: true });
});

Deno.test("blockchain summary: --log-decisions none and N give the summary of all", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-bc-summary-" });
  const c = { config: { rounds: 90 }, seed: 11 };
  const all = await run(join(root, "all"), c);
  assert.ok(all.returns, "a run with every row has its returns");
  delete all.returns;
  for (const logDecisions of ["none", "7"]) {
    const other = await run(join(root, logDecisions), { ...c, logDecisions });
    assert.equal(JSON.stringify(other), JSON.stringify(all), `--log-decisions ${logDecisions}`);
  }
  const rows = await Deno.readTextFile(join(root, "none", "decisions.jsonl"));
  assert.equal(rows, "", "--log-decisions none wrote rows");
  await Deno.remove(root, { recursive: true });
});

Deno.test("blockchain summary: a long run's traces hold at most TRACE_POINTS + 1 rounds", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-bc-summary-" });
  const rounds = TRACE_POINTS * 3 + 7;
  const s = await run(join(root, "long"), { config: { rounds }, seed: 2, logDecisions: "none" });
  const traced = s.honest_efficiency_trace_rounds as number[];
  assert.equal((s.honest_efficiency_trace as number[]).length, traced.length);
  assert.ok(traced.length <= TRACE_POINTS + 1, `${traced.length} rounds traced`);
  assert.deepEqual(traced.slice(0, 3), [4, 8, 12]);
  assert.equal(traced.at(-1), rounds);
  const base = s.rational_baseline as Record<string, { rounds: number[]; payoff: number[] }>;
  for (const line of Object.values(base)) {
    assert.deepEqual(line.rounds, traced);
    assert.equal(line.payoff.length, traced.length);
  }
  await Deno.remove(root, { recursive: true });
});

Deno.test("blockchain summary: missing actions count as fallbacks, as the rows count them", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-bc-summary-" });
  // miner_a has no action every third round: the session plays the engine's fallback
  const gappy = {
    ...blockchain,
    build: async (config: unknown, ctx: Parameters<typeof blockchain.build>[1]) => {
      const built = await blockchain.build(config, ctx);
      const [a] = built.agents;
      built.agents[0] = {
        name: a.name,
        kind: a.kind,
        model: a.model,
        act: (c) => c.round % 3 === 0 ? { action: null } : a.act(c),
        observe: a.observe?.bind(a),
        getState: () => a.getState(),
        setState: (state: unknown) => a.setState(state),
      } as typeof a;
      return built;
    },
  };
  const open = (out: string, logDecisions: string) =>
    openRun({
      experiment: gappy,
      config: { rounds: 30 },
      seed: 4,
      out,
      reportsRoot: null,
      policy: { checkpointEvery: "end", logDecisions },
    });
  const all = (await runToEnd(await open(join(root, "all"), "all"))).summary;
  const agents = all.agents as Record<string, { valid_action_rate: number }>;
  assert.equal(agents.miner_a.valid_action_rate, 20 / 30);
  assert.equal(agents.miner_b.valid_action_rate, 1);
  await assertSameAsRows(join(root, "all"), all);
  const none = (await runToEnd(await open(join(root, "none"), "none"))).summary;
  delete all.returns;
  assert.equal(JSON.stringify(none), JSON.stringify(all));
  await Deno.remove(root, { recursive: true });
});
