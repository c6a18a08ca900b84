/**
 * Honest verdicts: a run whose LLM replies are all garbage must not report a finding.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readJsonl } from "../../lib/core/run_log.ts";
import { SweepIndexRowSchema } from "../../lib/core/sweep_dir.ts";
import { applyValidity, INCONCLUSIVE, validityOf } from "../../lib/core/validity.ts";
import { runCli } from "../support/cli.ts";
import { startOpenAIServer } from "../support/llm_servers.ts";

Deno.test("validity: share against the limit; verdicts become inconclusive only when invalid", () => {
  assert.deepEqual(validityOf({ llm_decisions: 0, fallbacks: 0 }), {
    llm_decisions: 0,
    fallbacks: 0,
    fallback_share: 0,
    max_fallback_share: 0.1,
    valid: true,
  });
  assert.equal(validityOf({ llm_decisions: 10, fallbacks: 1 }).valid, true); // 0.1 is allowed
  assert.equal(validityOf({ llm_decisions: 10, fallbacks: 2 }).valid, false);
  assert.equal(validityOf({ llm_decisions: 10, fallbacks: 2 }, 0.25).valid, true);
  const bad = applyValidity(
    { a: true, b: false, other: true },
    ["a", "b", "missing"],
    validityOf({ llm_decisions: 4, fallbacks: 4 }),
  );
  assert.equal(bad.a, INCONCLUSIVE);
  assert.equal(bad.b, INCONCLUSIVE);
  assert.equal(bad.other, true);
  assert.equal("missing" in bad, false);
  const good = applyValidity({ a: true }, ["a"], validityOf({ llm_decisions: 4, fallbacks: 0 }));
  assert.equal(good.a, true);
  // per-agent verdicts go inconclusive too; measurements and the llm flag stay
  const perAgent = applyValidity(
    { agent_verdicts: { m: { llm: true, share: 0.4, rational_play: true } } },
    [],
    validityOf({ llm_decisions: 4, fallbacks: 4 }),
  );
  assert.deepEqual(perAgent.agent_verdicts, {
    m: { llm: true, share: 0.4, rational_play: INCONCLUSIVE },
  });
  assert.throws(() => validityOf({ llm_decisions: 1, fallbacks: 0 }, 2), RangeError);
});

async function garbageAgents(dir: string, baseURL: string, n: number): Promise<string> {
  const path = join(dir, "agents.json");
  const names = ["miner_a", "miner_b", "miner_c"].slice(0, n);
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      agents: names.map((name) => ({
        name,
        provider: "openai",
        model: "gpt-4o-mini",
        base_url: baseURL,
      })),
    }),
  );
  return path;
}

Deno.test("validity: every LLM reply garbage -> inconclusive verdicts, a warning and a red banner", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-valid-" });
  await using server = startOpenAIServer(() => ({ reply: "I would rather not say." }));
  const agents = await garbageAgents(dir, server.baseURL, 3);
  const r = await runCli([
    "blockchain",
    "--agents",
    agents,
    "--rounds",
    "4",
    "--out",
    join(dir, "run"),
    "--reports",
    join(dir, "reports"),
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /warning: run: 12 of 12 LLM decisions \(100\.0%\) were fallbacks/);
  const summary = JSON.parse(await Deno.readTextFile(join(dir, "run", "summary.json")));
  assert.equal(summary.parasitic_equilibrium, "inconclusive");
  assert.equal(summary.honest_convergence, "inconclusive");
  assert.deepEqual(summary.validity, {
    llm_decisions: 12,
    fallbacks: 12,
    fallback_share: 1,
    max_fallback_share: 0.1,
    valid: false,
  });
  const rows = (await Deno.readTextFile(join(dir, "run", "decisions.jsonl"))).trim().split("\n")
    .map((l) => JSON.parse(l));
  assert.ok(rows.every((x) => x.fallback === true && x.parse_ok === false));
  assert.ok(rows.every((x) => JSON.stringify(x.action) === "[1,0,0]"));
  const html = await Deno.readTextFile(join(dir, "reports", "run", "report.html"));
  const banner = html.indexOf('class="banner banner-bad"');
  assert.ok(banner > 0 && banner < html.indexOf("<h2>"), "the banner opens the report");
  assert.match(html, /12 of 12 LLM decisions \(100\.0%\)/);
  assert.doesNotMatch(html, /Honest convergence: (yes|no)/);
  // with a permissive limit the same replies give a (fallback-made) verdict, labelled valid
  const lax = await runCli([
    "blockchain",
    "--agents",
    agents,
    "--rounds",
    "2",
    "--out",
    join(dir, "lax"),
    "--no-report",
    "--max-fallback",
    "1",
    "--quiet",
  ]);
  assert.equal(lax.code, 0, lax.err);
  const s2 = JSON.parse(await Deno.readTextFile(join(dir, "lax", "summary.json")));
  assert.equal(typeof s2.honest_convergence, "boolean");
});

Deno.test("validity: the blockchain's valid_action_rate counts LLM seats only", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-valid-" });
  await using server = startOpenAIServer(() => ({ reply: "I would rather not say." }));
  const path = join(dir, "agents.json");
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      agents: [
        { name: "miner_a", provider: "openai", model: "gpt-4o-mini", base_url: server.baseURL },
        { name: "miner_b", provider: "policy", policy: "greedy" },
        { name: "miner_c", provider: "policy", policy: "honest" },
      ],
    }),
  );
  const r = await runCli([
    "blockchain",
    "--agents",
    path,
    "--rounds",
    "3",
    "--out",
    join(dir, "run"),
    "--no-report",
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const summary = JSON.parse(await Deno.readTextFile(join(dir, "run", "summary.json")));
  // 3 of 3 LLM decisions fell back: 0, not the 6 of 9 of all seats
  assert.equal(summary.valid_action_rate, 0);
  const offline = await runCli([
    "blockchain",
    "--rounds",
    "2",
    "--out",
    join(dir, "offline"),
    "--no-report",
    "--quiet",
  ]);
  assert.equal(offline.code, 0, offline.err);
  const s2 = JSON.parse(await Deno.readTextFile(join(dir, "offline", "summary.json")));
  assert.equal(s2.valid_action_rate, null, "no LLM seat, no rate");
});

Deno.test("validity: sweep index rows of invalid runs carry valid: false", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-valid-" });
  await using server = startOpenAIServer(() => ({ reply: "no" }));
  const path = join(dir, "agents.json");
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      agents: [
        { name: "alice", provider: "openai", model: "gpt-4o-mini", base_url: server.baseURL },
        { name: "bob", provider: "policy", policy: "tit_for_tat" },
      ],
    }),
  );
  const grid = join(dir, "grid.json");
  await Deno.writeTextFile(grid, JSON.stringify({ experiment: "ipd", grid: { rounds: [2, 3] } }));
  const r = await runCli([
    "--sweep",
    grid,
    "--seeds",
    "0..0",
    "--agents",
    path,
    "--out",
    join(dir, "sw"),
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const rows = await readJsonl(join(dir, "sw", "index.jsonl"), SweepIndexRowSchema);
  assert.equal(rows.length, 2);
  assert.ok(
    rows.every((x) => x.valid === false && x.summary?.mutual_cooperation === "inconclusive"),
  );
});

Deno.test("run policy: an experiment whose summary needs every row refuses fewer rows", async () => {
  const { findExperiment } = await import("../../lib/cli/registry.ts");
  const { validateRun } = await import("../../lib/run/open.ts");
  await assert.rejects(
    validateRun({
      // every built-in engine summarises without rows now; an experiment may still need them
      experiment: { ...findExperiment("ipd")!, needsAllRows: true },
      config: {},
      seed: 0,
      policy: { logDecisions: "none" },
    }),
    /--log-decisions: the ipd summary is computed from every decision row/,
  );
});

Deno.test("validity: actions the engine rejects (all-zero vectors) count as fallbacks", async () => {
  const { findExperiment } = await import("../../lib/cli/registry.ts");
  const { openRun, runToEnd } = await import("../../lib/run/open.ts");
  const experiment = findExperiment("blockchain")!;
  const zero = {
    ...experiment,
    build: async (config: unknown, ctx: Parameters<typeof experiment.build>[1]) => {
      const built = await experiment.build(config, ctx);
      // every miner an "LLM" that answers [0, 0, 0]
      built.agents = built.agents.map((a) => ({
        name: a.name,
        kind: "openai:zero",
        llm: true,
        act: () => ({ action: [0, 0, 0] }),
        getState: () => null,
        setState: () => {},
      }));
      return built;
    },
  };
  const root = await Deno.makeTempDir({ prefix: "lab-valid-" });
  const r = await runToEnd(
    await openRun({
      experiment: zero,
      config: {},
      horizon: 3,
      seed: 0,
      runsRoot: root,
      reportsRoot: null,
    }),
  );
  assert.deepEqual(
    [(r.summary.validity as { fallbacks: number }).fallbacks, r.summary.honest_convergence],
    [9, "inconclusive"],
  );
});
