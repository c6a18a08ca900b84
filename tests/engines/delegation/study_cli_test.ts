/**
 * `deno task run delegation-study`: the table, charts and report; and the paper's table
 * reproduced from the command line (ignored without the reference data).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { findReference } from "../../../lib/core/reference.ts";
import { parseCsv } from "../../../lib/engines/delegation/analysis.ts";
import { exists, runCli } from "../../support/cli.ts";

// The reference records (lib/core/reference.ts); without them the paper test is ignored.
const REF = findReference("delegation") ?? "";
const PAPER = join(REF, "paper_results_summary.csv");
const hasPaper = REF !== "" && await exists(PAPER);

Deno.test("delegation-study: per-run seeds over synthetic records write table, charts, report", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-study-" });
  const cfg = join(dir, "c.json");
  await Deno.writeTextFile(
    cfg,
    JSON.stringify({
      T: 300,
      providers: [
        { models: ["gpt-4", "gpt-4o", "gpt-35-turbo"], eta: 0.4 },
        { models: ["o1", "gpt-4o-mini"], eta: 0.2 },
      ],
    }),
  );
  const out = join(dir, "s");
  const reports = join(dir, "reports");
  const r = await runCli([
    "delegation-study",
    "--config",
    cfg,
    "--seeds",
    "3..4",
    "--out",
    out,
    "--reports",
    reports,
    "-q",
  ]);
  assert.equal(r.code, 0, r.err);
  const rows = parseCsv(await Deno.readTextFile(join(out, "table.csv")));
  assert.equal(rows.length, 16 * 2, "4^2 combinations x 2 seeds");
  assert.deepEqual([...new Set(rows.map((x) => x.seed))], ["3", "4"]);
  assert.equal(rows[0].strategy_combination, "honest-honest");
  // an honest provider earns nothing; a worst one earns something when it serves at all
  for (const x of rows) {
    if (x.provider1_strategy === "honest") assert.equal(Number(x.provider_1_honest), 0);
  }
  assert.ok(await exists(join(out, "study.json")));
  // the report goes under --reports, named after the study, and the index lists it
  for (const f of ["heatmap.svg", "provider_utility.svg", "timeline.svg", "report.html"]) {
    assert.ok(await exists(join(reports, "s", f)), f);
  }
  const html = await Deno.readTextFile(join(reports, "s", "report.html"));
  assert.equal((html.match(/<svg/g) ?? []).length, 3);
  const index = await Deno.readTextFile(join(reports, "index.html"));
  assert.match(index, /study delegation-strategies/);
  assert.match(index, /href="s\/report\.html"/);
  const meta = JSON.parse(await Deno.readTextFile(join(out, "study.json")));
  assert.equal(meta.kind, "study");
  assert.equal(meta.runs.valid, 32);
  assert.ok(meta.study_seconds > 0);
  // a second study into the same directory is refused
  const again = await runCli(["delegation-study", "--config", cfg, "--out", out, "-q"]);
  assert.equal(again.code, 2);
  const bad = await runCli([
    "delegation-study",
    "--strategies",
    "honest,nope",
    "--out",
    join(dir, "b"),
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--strategies/);
});

Deno.test({
  name: "delegation-study reproduces the paper's table (python, chained, seed 42)",
  ignore: !hasPaper,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "lab-study-" });
    const out = join(dir, "paper");
    const r = await runCli([
      "delegation-study",
      "--rng",
      "python",
      "--chain",
      "--seed",
      "42",
      "--records",
      REF,
      "--out",
      out,
      "--reports",
      join(dir, "reports"),
      "-q",
    ]);
    assert.equal(r.code, 0, r.err);
    const ours = parseCsv(await Deno.readTextFile(join(out, "table.csv")));
    const paper = parseCsv(await Deno.readTextFile(PAPER));
    assert.equal(paper.length, 64);
    assert.equal(ours.length, 64);
    let max = 0;
    for (const ref of paper) {
      const row = ours.find((x) => x.strategy_combination === ref.strategy_combination);
      assert.ok(row, ref.strategy_combination);
      assert.equal(row.total_delegations, ref.total_delegations, ref.strategy_combination);
      assert.equal(row.best_provider, ref.best_provider, ref.strategy_combination);
      for (const [c, v] of Object.entries(ref)) {
        if (!/utility|reward|^provider_\d_/.test(c)) continue;
        assert.equal(row[c] === "", v === "", `${ref.strategy_combination} ${c} present`);
        if (v === "") continue;
        const d = Math.abs(Number(row[c]) - Number(v));
        max = Math.max(max, d);
        assert.ok(d <= 5e-4, `${ref.strategy_combination} ${c}: ${row[c]} vs ${v}`);
      }
    }
    console.log(`paper table from the CLI: 64 rows, largest difference ${max}`);
    const html = await Deno.readTextFile(join(dir, "reports", "paper", "report.html"));
    assert.match(html, /Side by side with the reference table/);
    assert.match(html, /equal in 64/);
  },
});

Deno.test("delegation-study: --config takes inline JSON, like the other commands", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-study-" });
  const out = join(dir, "s");
  const r = await runCli([
    "delegation-study",
    "--config",
    '{"T": 10}',
    "--strategies",
    "honest,worst",
    "--out",
    out,
    "--no-report",
    "-q",
  ]);
  assert.equal(r.code, 0, r.err);
  const meta = JSON.parse(await Deno.readTextFile(join(out, "study.json")));
  assert.equal(meta.config.T, 10);
  // an inline value that is not an object is one line naming --config
  const bad = await runCli(["delegation-study", "--config", '{"T": ', "--no-report", "-q"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^[^\n]*--config: inline JSON[^\n]*$/);
});

Deno.test("delegation-study: an empty --out is refused, writing nothing", async () => {
  const r = await runCli(["delegation-study", "--out", "", "--no-report", "-q"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /^[^\n]*--out: needs a value, got an empty string[^\n]*$/);
  const unknown = await runCli(["delegation-study", "--nope"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /--nope: unknown flag \(see delegation-study --help\)/);
});
