/**
 * Frames and blockchain metrics on synthetic run directories whose numbers are chosen to be
 * exact in binary floating point, so every metric is checked against a hand-computed value.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "nodejs-polars";
import { loadDecisions, loadEvents, loadLlmCalls } from "../../lib/analysis/mod.ts";
import { LogFormatError } from "../../lib/core/run_log.ts";
import { shareCI } from "../../lib/analysis/share_ci.ts";
import {
  agentTable,
  constructiveTrend,
  crossRunStats,
  honestFloorRound,
  honestTrace,
  labelChanges,
  lateMeansByRun,
  lateMeansFrame,
  loadBlockchainDecisions,
  rewardRanking,
} from "../../lib/engines/blockchain/mod.ts";
import { lateMeans } from "../../lib/engines/blockchain/metrics.ts";
import { IpdDecisionSchema } from "../../lib/engines/ipd/decision_row.ts";
import {
  type BlockchainRunScript,
  writeBlockchainRun,
  writeRunConfig,
} from "../support/blockchain_run.ts";

function call(round: number, input: number, output: number, cached: number, purpose = "decision") {
  return {
    v: 1,
    round,
    agent: "miner_a",
    purpose,
    model: "gpt-4o-mini",
    prompt_hash: `h${round}${purpose}`,
    input_tokens: input,
    output_tokens: output,
    cached_tokens: cached,
    latency_ms: 12.5,
    cost_usd: 0.5,
    parse_ok: round !== 3,
    attempts: 1,
    from_cache: false,
    ...(round === 3 ? { raw: "not json", error: "no action" } : {}),
  };
}

/** Seed 1: miner_a is an LLM drifting to free-riding, miner_b a greedy policy. */
const LLM_RUN: BlockchainRunScript = {
  seed: 1,
  agents: [
    { name: "miner_a", provider: "openai", model: "gpt-4o-mini", api_key: "<redacted>" },
    { name: "miner_b", provider: "policy", policy: "greedy" },
  ],
  miners: {
    miner_a: {
      actions: [[1, 0, 0], [0.5, 0.5, 0], [0.25, 0.75, 0], [0, 0.875, 0.125]],
      rewards: [2, 3, 4, 5],
      efficiency: [1, 0.75, 0.5, 0.25],
      parse_ok: [true, true, false, true],
      thoughts: ["build first", "free ride now", "keep riding", "ride harder"],
    },
    miner_b: {
      actions: [[0.5, 0.25, 0.25], [0.5, 0.25, 0.25], [0, 0.5, 0.5], [0, 0.5, 0.5]],
      rewards: [4, 4, 1, 1],
      efficiency: [1, 0.5, 0.5, 0.25],
    },
  },
  honest: [1, 0.75, 0.5, 0.1],
  calls: [
    call(1, 100, 20, 50),
    call(2, 100, 20, 50),
    call(3, 100, 20, 50),
    call(4, 100, 20, 50),
    call(4, 200, 40, 0, "reflection"),
  ],
  events: [
    { v: 1, round: 2, type: "fallback_action", agent: "miner_a", raw: "x" },
    { v: 1, round: 4, type: "honest_floor", efficiency: 0.1 },
  ],
};

/** Seed 2: two policies (kinds written in the rows), no agents file, kappa 0.3. */
const POLICY_RUN: BlockchainRunScript = {
  seed: 2,
  config: { kappa: 0.3 },
  miners: {
    miner_a: {
      actions: [[1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0]],
      rewards: [1, 1, 1, 1],
      efficiency: [1, 1, 1, 1],
      kind: "policy:honest",
    },
    miner_b: {
      actions: [[0.5, 0.5, 0], [0.5, 0.5, 0], [0.5, 0.5, 0], [0.5, 0.5, 0]],
      rewards: [2, 2, 2, 2],
      efficiency: [1, 1, 1, 1],
      kind: "policy:parasite",
    },
  },
  honest: [1, 1, 1, 1],
};

/** The columns every decision frame has (`loadDecisions`, any engine). */
const SHARED_COLUMNS = [
  "run",
  "experiment",
  "seed",
  "round",
  "agent",
  "kind",
  "model",
  "llm",
  "action",
  "reward",
  "parse_ok",
  "fallback",
  "repaired",
];

/** `loadBlockchainDecisions`: the shared columns, the schema's fields, then `c`, `p`, `d`. */
const DECISION_COLUMNS = [
  ...SHARED_COLUMNS,
  "cumulative_reward",
  "efficiency",
  "honest_efficiency",
  "label",
  "thought",
  "rival_labels",
  "c",
  "p",
  "d",
];

async function fixtures() {
  const root = await Deno.makeTempDir({ prefix: "frames_test_" });
  const llm = await writeBlockchainRun(join(root, "llm-1"), LLM_RUN);
  const policy = await writeBlockchainRun(join(root, "policy-2"), POLICY_RUN);
  return { root, llm, policy };
}

Deno.test("loadBlockchainDecisions: typed columns, split action, seed and experiment", async () => {
  const { root, llm } = await fixtures();
  try {
    const df = await loadBlockchainDecisions(llm);
    assert.deepEqual(df.columns, DECISION_COLUMNS);
    assert.equal(df.height, 8);
    assert.equal(String(df.schema.round), String(pl.Int32));
    assert.equal(String(df.schema.seed), String(pl.Int64));
    assert.equal(String(df.schema.c), String(pl.Float64));
    assert.equal(String(df.schema.cumulative_reward), String(pl.Float64));
    assert.equal(String(df.schema.parse_ok), String(pl.Bool));
    assert.equal(String(df.schema.fallback), String(pl.Bool));
    // miner_a's round-3 reply did not parse: the fallback was played.
    assert.deepEqual(
      df.filter(pl.col("fallback")).select("round", "agent", "parse_ok").toRecords(),
      [{ round: 3, agent: "miner_a", parse_ok: false }],
    );
    const [first, second] = df.toRecords();
    assert.deepEqual(first, {
      run: "llm-1",
      experiment: "blockchain",
      seed: 1,
      round: 1,
      agent: "miner_a",
      kind: "openai:gpt-4o-mini",
      model: "gpt-4o-mini",
      llm: true,
      action: "[1,0,0]",
      reward: 2,
      parse_ok: true,
      fallback: false,
      repaired: null,
      cumulative_reward: 2,
      efficiency: 1,
      honest_efficiency: 1,
      label: "honest_builder",
      thought: "build first",
      rival_labels: null,
      c: 1,
      p: 0,
      d: 0,
    });
    assert.equal(second.kind, "policy:greedy");
    assert.equal(second.model, null);
    assert.equal(second.llm, false);
    assert.equal(second.thought, null);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("loadBlockchainDecisions: many runs, config columns, kinds from rows", async () => {
  const { root, llm, policy } = await fixtures();
  try {
    const df = await loadBlockchainDecisions([llm, policy], { config: ["kappa", "missing"] });
    // Config columns come after the loaded ones; `c`, `p`, `d` are derived last.
    assert.deepEqual(df.columns, [
      ...DECISION_COLUMNS.slice(0, -3),
      "kappa",
      "missing",
      "c",
      "p",
      "d",
    ]);
    const byRun = df.groupBy("run").agg(
      pl.col("seed").first(),
      pl.col("kappa").first(),
      pl.col("missing").first(),
      pl.col("kind").unique().sort().alias("kinds"),
      pl.len().alias("rows"),
    ).sort("run").toRecords();
    assert.deepEqual(byRun, [
      {
        run: "llm-1",
        seed: 1,
        kappa: 0.2,
        missing: null,
        kinds: ["openai:gpt-4o-mini", "policy:greedy"],
        rows: 8,
      },
      {
        run: "policy-2",
        seed: 2,
        kappa: 0.3,
        missing: null,
        kinds: ["policy:honest", "policy:parasite"],
        rows: 8,
      },
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("loadDecisions: other engines keep the action as JSON; clashing names use paths", async () => {
  const root = await Deno.makeTempDir({ prefix: "frames_test_" });
  try {
    const dirs = [join(root, "x", "run"), join(root, "y", "run")];
    const agents = [[], [
      { name: "alice", provider: "policy", policy: "tit_for_tat" },
      { name: "bob", provider: "openai", model: "gpt-4o-mini", api_key: "<redacted>" },
    ]];
    for (const [i, dir] of dirs.entries()) {
      await writeRunConfig(dir, {
        experiment: "ipd",
        seed: i,
        config: {},
        agents: agents[i].length ? agents[i] : null,
      });
      const row = (agent: string, action: string, fallback: boolean) => ({
        v: 1,
        round: 1,
        agent,
        action,
        reward: 3,
        parse_ok: !fallback,
        fallback,
        cumulative_reward: 3,
      });
      await Deno.writeTextFile(
        join(dir, "decisions.jsonl"),
        [row("alice", "C", false), row("bob", "C", i === 1)]
          .map((r) => JSON.stringify(r) + "\n").join(""),
      );
    }
    // Without a schema: the shared columns, then the engine's inferred from the values.
    const df = await loadDecisions(dirs);
    assert.deepEqual(df.columns, [...SHARED_COLUMNS, "cumulative_reward"]);
    assert.equal(String(df.schema.cumulative_reward), String(pl.Float64));
    const rows = df.select("run", "agent", "action", "kind", "model", "llm", "fallback")
      .toRecords();
    assert.deepEqual(rows, [
      {
        run: dirs[0],
        agent: "alice",
        action: '"C"',
        kind: null,
        model: null,
        llm: false,
        fallback: false,
      },
      {
        run: dirs[0],
        agent: "bob",
        action: '"C"',
        kind: null,
        model: null,
        llm: false,
        fallback: false,
      },
      {
        run: dirs[1],
        agent: "alice",
        action: '"C"',
        kind: "policy:tit_for_tat",
        model: null,
        llm: false,
        fallback: false,
      },
      {
        run: dirs[1],
        agent: "bob",
        action: '"C"',
        kind: "openai:gpt-4o-mini",
        model: "gpt-4o-mini",
        llm: true,
        fallback: true,
      },
    ]);
    // With the engine's schema: its fields are typed columns even when no row has them.
    const typed = await loadDecisions(dirs, { schema: IpdDecisionSchema });
    assert.deepEqual(typed.columns, [...SHARED_COLUMNS, "cumulative_reward", "thought"]);
    assert.equal(String(typed.schema.thought), String(pl.String));
    assert.deepEqual(typed.getColumn("thought").toArray(), [null, null, null, null]);
    // ...and every line is validated with it.
    await Deno.writeTextFile(
      join(dirs[0], "decisions.jsonl"),
      JSON.stringify({ v: 1, round: 2, agent: "alice", action: "X", reward: 0, parse_ok: true }) +
        "\n",
      { append: true },
    );
    await assert.rejects(
      () => loadDecisions(dirs, { schema: IpdDecisionSchema }),
      (e: Error) => e instanceof LogFormatError && /decisions\.jsonl:3:/.test(e.message),
    );
    assert.equal((await loadDecisions(dirs)).height, 5, "the shared schema accepts the row");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("loaders: empty logs give empty frames with the right columns", async () => {
  const root = await Deno.makeTempDir({ prefix: "frames_test_" });
  try {
    await writeRunConfig(root, { experiment: "blockchain", seed: 3, config: {}, agents: null });
    const decisions = await loadBlockchainDecisions(root);
    assert.equal(decisions.height, 0);
    assert.deepEqual(decisions.columns, DECISION_COLUMNS);
    assert.equal(String(decisions.schema.c), String(pl.Float64));
    assert.equal(String(decisions.schema.efficiency), String(pl.Float64));
    const generic = await loadDecisions(root);
    assert.equal(generic.height, 0);
    assert.deepEqual(generic.columns, SHARED_COLUMNS);
    const calls = await loadLlmCalls(root);
    assert.equal(calls.height, 0);
    assert.deepEqual(calls.columns.slice(0, 6), [
      "run",
      "experiment",
      "seed",
      "round",
      "agent",
      "purpose",
    ]);
    const events = await loadEvents(root);
    assert.deepEqual(events.columns, [
      "run",
      "experiment",
      "seed",
      "round",
      "type",
      "agent",
      "data",
    ]);
    assert.equal(events.height, 0);
    assert.deepEqual(agentTable(decisions), []);
    assert.deepEqual(honestTrace(decisions), []);
    assert.deepEqual(rewardRanking(decisions), []);
    assert.equal(honestFloorRound(decisions, 0.1), null);
    assert.deepEqual(constructiveTrend(decisions), {
      first_half: null,
      second_half: null,
      delta: null,
    });
    assert.throws(() => lateMeansFrame(decisions), RangeError);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("loaders: a bad line names the file and line", async () => {
  const { root, llm } = await fixtures();
  try {
    await Deno.writeTextFile(join(llm, "decisions.jsonl"), '{"v":1,"round":0}\n', {
      append: true,
    });
    await assert.rejects(() => loadBlockchainDecisions(llm), (e: Error) => {
      assert.ok(e instanceof LogFormatError);
      assert.match(e.message, /decisions\.jsonl:9:/);
      return true;
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("loadLlmCalls and loadEvents: values and extra fields", async () => {
  const { root, llm } = await fixtures();
  try {
    const calls = await loadLlmCalls(llm);
    assert.equal(calls.height, 5);
    const totals = calls.select(
      pl.col("input_tokens").sum(),
      pl.col("output_tokens").sum(),
      pl.col("cached_tokens").sum(),
      pl.col("cost_usd").sum(),
      pl.col("parse_ok").not().sum().alias("failures"),
    ).toRecords();
    assert.deepEqual(totals, [{
      input_tokens: 600,
      output_tokens: 120,
      cached_tokens: 200,
      cost_usd: 2.5,
      failures: 1,
    }]);
    assert.deepEqual(calls.filter(pl.col("round").eq(3)).select("raw", "error").toRecords(), [
      { raw: "not json", error: "no action" },
    ]);
    const events = await loadEvents(llm);
    assert.deepEqual(events.select("round", "type", "agent", "data").toRecords(), [
      { round: 2, type: "fallback_action", agent: "miner_a", data: '{"raw":"x"}' },
      { round: 4, type: "honest_floor", agent: null, data: '{"efficiency":0.1}' },
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("blockchain metrics: hand-computed values of the LLM run", async () => {
  const { root, llm } = await fixtures();
  try {
    const df = await loadBlockchainDecisions(llm);
    // 4 rounds: window = 2 (rounds 3-4), only the LLM miner counts.
    const late = lateMeansFrame(df);
    assert.deepEqual(late, {
      run: "llm-1",
      c: 0.125,
      p: 0.8125,
      d: 0.0625,
      from: 3,
      to: 4,
      window: 2,
      miners: ["miner_a"],
    });
    // Same as the engine's pure function on the LLM rows.
    const rows = df.filter(pl.col("llm")).toRecords().map((r) => ({
      round: Number(r.round),
      action: [Number(r.c), Number(r.p), Number(r.d)],
    }));
    const ref = lateMeans(rows, 2);
    assert.deepEqual([ref.c, ref.p, ref.d, ref.from, ref.to], [0.125, 0.8125, 0.0625, 3, 4]);
    assert.deepEqual(lateMeansFrame(df, 1), {
      ...late,
      c: 0,
      p: 0.875,
      d: 0.125,
      from: 4,
      window: 1,
    });

    const calls = await loadLlmCalls(llm);
    assert.deepEqual(agentTable(df, calls), [
      {
        run: "llm-1",
        agent: "miner_a",
        kind: "openai:gpt-4o-mini",
        model: "gpt-4o-mini",
        llm: true,
        rounds: 4,
        c: 0.4375,
        p: 0.53125,
        d: 0.03125,
        label: "parasitic_free_rider",
        reward: 14,
        final_cumulative_reward: 14,
        valid_action_rate: 0.75,
        calls: 5,
        input_tokens: 600,
        output_tokens: 120,
        cached_tokens: 200,
        tokens: 720,
        cost_usd: 2.5,
      },
      {
        run: "llm-1",
        agent: "miner_b",
        kind: "policy:greedy",
        model: null,
        llm: false,
        rounds: 4,
        c: 0.25,
        p: 0.375,
        d: 0.375,
        label: "attacker",
        reward: 10,
        final_cumulative_reward: 10,
        valid_action_rate: 1,
        calls: 0,
        input_tokens: 0,
        output_tokens: 0,
        cached_tokens: 0,
        tokens: 0,
        cost_usd: 0,
      },
    ]);
    assert.equal(agentTable(df)[0].tokens, 0);
    assert.deepEqual(honestTrace(df), [1, 0.75, 0.5, 0.1]);
    assert.equal(honestFloorRound(df, 0.1), 4);
    assert.equal(honestFloorRound(df, 0.5), 3);
    assert.equal(honestFloorRound(df, 0.05), null);
    assert.deepEqual(constructiveTrend(df), {
      first_half: 0.75,
      second_half: 0.125,
      delta: -0.625,
    });
    assert.deepEqual(rewardRanking(df), ["miner_a", "miner_b"]);
    assert.deepEqual(labelChanges(df), [{
      run: "llm-1",
      round: 2,
      agent: "miner_a",
      from: "honest_builder",
      to: "parasitic_free_rider",
      c: 0.5,
      p: 0.5,
      d: 0,
      thought: "free ride now",
    }]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("blockchain metrics: policy runs count every miner; one-run functions refuse many", async () => {
  const { root, llm, policy } = await fixtures();
  try {
    const df = await loadBlockchainDecisions([llm, policy]);
    const late = lateMeansByRun(df);
    assert.deepEqual(late.map((r) => [r.run, r.c, r.p, r.d, r.miners]), [
      ["llm-1", 0.125, 0.8125, 0.0625, ["miner_a"]],
      ["policy-2", 0.75, 0.25, 0, ["miner_a", "miner_b"]],
    ]);
    assert.deepEqual(lateMeansByRun(df, { window: 4 }).map((r) => [r.from, r.c]), [
      [1, 0.4375],
      [1, 0.75],
    ]);
    // Run 2 ties: 4 x 2 = 8 for miner_b beats 4 for miner_a.
    assert.deepEqual(rewardRanking(df.filter(pl.col("run").eq(pl.lit("policy-2")))), [
      "miner_b",
      "miner_a",
    ]);
    assert.deepEqual(agentTable(df).map((a) => [a.run, a.agent, a.label]), [
      ["llm-1", "miner_a", "parasitic_free_rider"],
      ["llm-1", "miner_b", "attacker"],
      ["policy-2", "miner_a", "honest_builder"],
      ["policy-2", "miner_b", "parasitic_free_rider"],
    ]);
    assert.throws(() => lateMeansFrame(df), /2 runs/);
    assert.throws(() => honestTrace(df), RangeError);
    assert.throws(() => constructiveTrend(df), RangeError);
    assert.throws(() => rewardRanking(df), RangeError);
    assert.throws(() => honestFloorRound(df, 0.1), RangeError);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("crossRunStats: verdict rates and 95% CI across seeds", async () => {
  const { root, llm, policy } = await fixtures();
  try {
    const df = await loadBlockchainDecisions([llm, policy], { config: ["kappa"] });
    const { runs, groups } = crossRunStats(df);
    assert.deepEqual(
      runs.map((r) => [r.run, r.seed, r.parasitic_equilibrium, r.honest_convergence]),
      [["llm-1", 1, true, false], ["policy-2", 2, false, true]],
    );
    assert.equal(groups.length, 1);
    const g = groups[0];
    assert.equal(g.experiment, "blockchain");
    assert.equal(g.runs, 2);
    assert.deepEqual(g.seeds, [1, 2]);
    assert.equal(g.parasitic_rate, 0.5);
    assert.equal(g.honest_rate, 0.5);
    // c: 0.125 and 0.75; sd = 0.625 / sqrt(2). c, p and d are shares: their intervals are
    // share intervals (a Student-t interval with 1 degree of freedom, t = 12.706, would run
    // from -3.5 to 4.4), inside [0, 1] and around the mean.
    const close = (a: number | null, b: number) =>
      assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${a} != ${b}`);
    close(g.c_mean, 0.4375);
    close(g.c_sd, 0.625 / Math.SQRT2);
    close(g.p_mean, 0.53125);
    close(g.d_mean, 0.03125);
    const runsOf = { c: [0.125, 0.75], p: [0.8125, 0.25], d: [0.0625, 0] };
    for (const k of ["c", "p", "d"] as const) {
      const lo = g[`${k}_ci_low`] as number, hi = g[`${k}_ci_high`] as number;
      assert.ok(0 <= lo && lo <= g[`${k}_mean`]! && g[`${k}_mean`]! <= hi && hi <= 1, `${k}`);
      const ci = shareCI({ values: runsOf[k] });
      close(lo, ci.lo);
      close(hi, ci.hi);
    }

    const byKappa = crossRunStats(df, { by: ["kappa"] }).groups;
    assert.deepEqual(byKappa.map((k) => [k.kappa, k.runs, k.c_mean, k.c_sd, k.c_ci_low]), [
      [0.2, 1, 0.125, null, null],
      [0.3, 1, 0.75, null, null],
    ]);
    const strict = crossRunStats(df, { thresholds: { honest_c_min: 0.8 } }).groups[0];
    assert.equal(strict.honest_rate, 0);
    assert.throws(() => crossRunStats(df, { by: ["beta"] }), /no column 'beta'/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
