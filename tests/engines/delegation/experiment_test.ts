/**
 * The registered delegation experiment through the CLI: offline default run, recorded
 * records, flags, a run without rows, custom strategies, and the pure helpers.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { findReference } from "../../../lib/core/reference.ts";
import { readJsonl } from "../../../lib/core/run_log.ts";
import { parseDelegationConfig } from "../../../lib/engines/delegation/config.ts";
import {
  applyDelegationFlags,
  DelegationDecisionSchema,
} from "../../../lib/engines/delegation/experiment.ts";
import { loadRecordedRecords } from "../../../lib/engines/delegation/records.ts";
import { registerStrategy } from "../../../lib/engines/delegation/strategies.ts";
import { runStudy } from "../../../lib/engines/delegation/study.ts";
import { exists, runCli } from "../../support/cli.ts";

// The recorded records (lib/core/reference.ts); without them those tests are ignored.
const REF = findReference("delegation") ?? "";
const hasRef = REF !== "" && await exists(join(REF, "o1_test_result.jsonl"));

const readJson = async (p: string) => JSON.parse(await Deno.readTextFile(p));

Deno.test("delegation: the offline default run reports, one row per delegation", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-deleg-" });
  const r = await runCli([
    "delegation",
    "--out",
    join(dir, "run"),
    "--reports",
    join(dir, "rep"),
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const s = await readJson(join(dir, "run", "summary.json"));
  for (
    const k of [
      "total_time",
      "total_delegations",
      "best_provider_id",
      "second_best_provider_id",
      "avg_rewards",
      "avg_utilities",
      "provider_stats",
      "total_user_utility",
      "total_provider_utility",
      "B",
      "M",
      "delta1",
      "delta2",
      "R2",
      "planned",
      "stopped_early",
      "delegations_per_phase",
      "validity",
      "substitution_detected",
      "best_provider_honest",
    ]
  ) assert.ok(k in s, `summary has ${k}`);
  assert.equal(s.total_time, 1000);
  assert.deepEqual(Object.keys(s.provider_stats), ["1", "2", "3"]);
  const rows = await readJsonl(join(dir, "run", "decisions.jsonl"), DelegationDecisionSchema);
  assert.equal(rows.length, s.total_delegations);
  rows.forEach((row, i) => assert.equal(row.time, i));
  // the summary's totals are the rows' sums
  const user = rows.reduce((a, x) => a + x.user_utility, 0);
  assert.ok(Math.abs(user - s.total_user_utility) < 1e-6, `${user} vs ${s.total_user_utility}`);
  const perPhase = Object.fromEntries(
    Object.keys(s.delegations_per_phase).map((p) => [p, rows.filter((x) => x.phase === p).length]),
  );
  assert.deepEqual(perPhase, s.delegations_per_phase);
  // provider_3 plays "worst" by default: every one of its rows serves its cheapest model
  assert.ok(rows.filter((x) => x.agent === "provider_3").every((x) => x.model === "gpt-35-turbo"));
  assert.equal(s.provider_stats["3"].substitutions, s.provider_stats["3"].delegations);
  assert.equal(s.provider_stats["1"].substitutions, 0, "provider_1 is honest");
  const html = await Deno.readTextFile(join(dir, "rep", "run", "report.html"));
  assert.match(html, /Delegations over time by phase/);
  assert.equal((html.match(/<svg/g) ?? []).length, 3, "timeline, phases, utilities");
});

Deno.test("delegation: engine flags are checked and belong to the experiment", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-deleg-" });
  const bad = [
    ["delegation", "--strategies", "honest,ours"],
    ["delegation", "--strategies", "honest,nope,worst"],
    ["delegation", "--rng", "numpy"],
    ["ipd", "--records", dir],
    ["delegation", "--records", join(dir, "missing")],
  ];
  for (const argv of bad) {
    const r = await runCli([...argv, "--out", join(dir, "x"), "--no-report", "--quiet"]);
    assert.equal(r.code, 2, `${argv.join(" ")}: ${r.err}`);
    assert.match(r.err, /^error: /);
  }
  assert.equal(await exists(join(dir, "x")), false, "no run directory for bad input");
  const help = await runCli(["--help"]);
  assert.match(help.out, /--strategies/);
  assert.match(help.out, /delegation-study/);
});

Deno.test("delegation: --checkpoint-every end --log-decisions none keeps no rows, summary from state", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-deleg-" });
  const cfg = join(dir, "c.json");
  await Deno.writeTextFile(cfg, JSON.stringify({ T: 20000 }));
  const r = await runCli([
    "delegation",
    "--config",
    cfg,
    "--checkpoint-every",
    "end",
    "--log-decisions",
    "none",
    "--out",
    join(dir, "run"),
    "--reports",
    join(dir, "rep"),
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const s = await readJson(join(dir, "run", "summary.json"));
  assert.equal(s.total_time, 20000);
  assert.ok(s.total_delegations > 1000);
  const text = await Deno.readTextFile(join(dir, "run", "decisions.jsonl")).catch(() => "");
  assert.equal(text.trim(), "");
  const cps = (await Deno.readTextFile(join(dir, "run", "checkpoints.jsonl"))).trim().split("\n");
  assert.equal(cps.length, 2, "the initial and the final checkpoint only");
  const html = await Deno.readTextFile(join(dir, "rep", "run", "report.html"));
  assert.match(html, /logged no decision rows/);
});

Deno.test({
  name: "delegation: --records runs on the reference records; python stream = the study's run",
  ignore: !hasRef,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "lab-deleg-" });
    const r = await runCli([
      "delegation",
      "--records",
      REF,
      "--rng",
      "python",
      "--seed",
      "7",
      "--strategies",
      "ours,random,worst",
      "--out",
      join(dir, "run"),
      "--no-report",
      "--quiet",
    ]);
    assert.equal(r.code, 0, r.err);
    const s = await readJson(join(dir, "run", "summary.json"));
    assert.equal(s.records, `recorded:${REF}`);
    // the same run played by the study's own loop (a fresh python stream seeded 7)
    const config = parseDelegationConfig({
      rng: "python",
      records: { mode: "recorded", dir: REF },
    });
    const records = await loadRecordedRecords(REF, config.providers.flatMap((p) => p.models));
    const [row] = runStudy({
      config: parseDelegationConfig({
        rng: "python",
        records: { mode: "recorded", dir: REF },
        providers: config.providers.map((p, i) => ({
          ...p,
          strategy: ["ours", "random", "worst"][i],
        })),
      }),
      records,
      seeds: [7],
      strategies: ["ours", "random", "worst"],
    }).filter((x) => x.strategy_combination === "ours-random-worst");
    assert.equal(s.total_delegations, row.total_delegations);
    assert.equal(s.best_provider_id, row.best_provider);
    assert.ok(Math.abs(s.total_user_utility - Number(row.total_user_utility)) < 5e-4);
  },
});

Deno.test("delegation: a registered custom strategy is usable by name", async () => {
  registerStrategy("test_bait", (v) => (v.obs.t < 10 ? v.best : v.cheapest));
  const dir = await Deno.makeTempDir({ prefix: "lab-deleg-" });
  const r = await runCli([
    "delegation",
    "--strategies",
    "test_bait,honest,honest",
    "--rounds",
    "200",
    "--out",
    join(dir, "run"),
    "--no-report",
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const rows = await readJsonl(join(dir, "run", "decisions.jsonl"), DelegationDecisionSchema);
  const p1 = rows.filter((x) => x.agent === "provider_1");
  assert.ok(p1.length > 0);
  for (const x of p1) assert.equal(x.model, x.time < 10 ? "o1" : "gpt-4o-mini", `t=${x.time}`);
  assert.ok(p1.every((x) => x.kind === "policy:test_bait"));
});

Deno.test("applyDelegationFlags: strategies over the config's providers, records, rng", () => {
  const c = applyDelegationFlags(
    { providers: [{ models: ["gpt-4"], eta: 0.5 }, { models: ["gpt-4o"], eta: 0.1 }] },
    { strategies: "worst, honest", records: "/r", rng: "python" },
  );
  assert.deepEqual((c.providers as { strategy: string }[]).map((p) => p.strategy), [
    "worst",
    "honest",
  ]);
  assert.deepEqual(c.records, { mode: "recorded", dir: "/r" });
  assert.equal(c.rng, "python");
  assert.throws(() => applyDelegationFlags({}, { strategies: "honest" }), /3 providers/);
});

Deno.test("delegation --records: a missing record file is one line saying how to get the data", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-del-missing-" });
  const r = await runCli([
    "delegation",
    "--records",
    join(dir, "nowhere"),
    "--out",
    join(dir, "x"),
    "--no-report",
    "--quiet",
  ]);
  assert.equal(r.code, 2, r.out);
  const lines = r.err.trim().split("\n");
  assert.equal(lines.length, 1, r.err);
  assert.match(lines[0], /file not found \(records of model '[^']+'\).*deno task fetch-reference/);
});
