import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../../lib/core/config.ts";
import {
  cellConfig,
  gridCells,
  setPath,
  SweepIndexRowSchema,
  sweepItems,
} from "../../lib/core/sweep_dir.ts";
import { readJsonl } from "../../lib/core/run_log.ts";
import { exists, ipdReply, listFiles, runCli } from "../support/cli.ts";
import { startOpenAIServer } from "../support/llm_servers.ts";

Deno.test("sweep: grid cells are the cartesian product; shards partition the items", () => {
  const grid = { experiment: "ipd", base: {}, grid: { rounds: [5, 6], "payoffs.T": [5, 6, 7] } };
  const cells = gridCells(grid);
  assert.equal(cells.length, 6);
  // Cells are named by their parameters; the id is the same name, file-system safe.
  assert.deepEqual(cells[0], {
    id: "rounds=5,payoffs.T=5",
    name: "rounds=5,payoffs.T=5",
    params: { rounds: 5, "payoffs.T": 5 },
  });
  assert.deepEqual(cells.map((c) => c.name), [
    "rounds=5,payoffs.T=5",
    "rounds=5,payoffs.T=6",
    "rounds=5,payoffs.T=7",
    "rounds=6,payoffs.T=5",
    "rounds=6,payoffs.T=6",
    "rounds=6,payoffs.T=7",
  ]);
  const all = sweepItems(grid, [0, 2]);
  assert.equal(all.length, 18);
  assert.deepEqual(all[1], {
    cell: "rounds=5,payoffs.T=5",
    params: { rounds: 5, "payoffs.T": 5 },
    seed: 1,
    run: join("runs", "rounds=5,payoffs.T=5-s1"),
  });
  assert.equal(new Set(all.map((x) => x.run)).size, 18);
  const shards = [0, 1, 2].map((i) => sweepItems(grid, [0, 2], [i, 3]).map((x) => x.run));
  assert.deepEqual(shards.flat().sort(), all.map((x) => x.run).sort());
  assert.deepEqual(setPath({ a: { b: 1, c: 2 } }, "a.b", 9), { a: { b: 9, c: 2 } });
});

Deno.test("sweep: setPath indexes arrays by number and refuses prototype keys", () => {
  const base = { providers: [{ strategy: "a", k: 1 }, { strategy: "b", k: 2 }] };
  const set = setPath(base, "providers.0.strategy", "z");
  assert.ok(Array.isArray(set.providers), "an array stays an array");
  assert.deepEqual(set, { providers: [{ strategy: "z", k: 1 }, { strategy: "b", k: 2 }] });
  assert.deepEqual(base.providers[0].strategy, "a", "the input is not changed");
  assert.deepEqual(setPath({}, "xs.0", 5), { xs: [5] });
  for (const key of ["__proto__.polluted", "a.constructor", "a.prototype.b"]) {
    assert.throws(() => setPath({ a: {} }, key, 1), ConfigError, key);
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.throws(() => setPath({ xs: [1] }, "xs.first", 1), ConfigError);
  assert.throws(
    () => gridCells({ grid: { "__proto__.x": [1] } }),
    (e: Error) => e instanceof ConfigError && /not allowed/.test(e.message),
  );
  const grid = { experiment: "ipd", base: { rounds: 3, payoffs: { T: 5, R: 3 } }, grid: {} };
  assert.deepEqual(cellConfig(grid, { "payoffs.T": 7 }), { rounds: 3, payoffs: { T: 7, R: 3 } });
  assert.deepEqual(grid.base.payoffs, { T: 5, R: 3 }, "the base is not changed");
});

Deno.test("sweep: runs every cell x seed in parallel workers; a rerun skips finished runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-sweep-" });
  const gridPath = join(dir, "grid.json");
  await Deno.writeTextFile(
    gridPath,
    JSON.stringify({
      experiment: "ipd",
      base: { rounds: 5 },
      grid: { policies: [["tit_for_tat", "random"], ["grim", "always_defect"]] },
    }),
  );
  const out = join(dir, "sw");
  const shard = await runCli([
    "--sweep",
    gridPath,
    "--seeds",
    "0..2",
    "--shard",
    "0/2",
    "--out",
    out,
    "--quiet",
  ]);
  assert.equal(shard.code, 0, shard.err);
  assert.equal((await readJsonl(join(out, "index.jsonl"), SweepIndexRowSchema)).length, 3);
  const r = await runCli(["--sweep", gridPath, "--seeds", "0..2", "--workers", "2", "--out", out]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /3 ran, 3 skipped \(done before\), 0 failed/);
  const rows = await readJsonl(join(out, "index.jsonl"), SweepIndexRowSchema);
  assert.equal(rows.length, 6);
  assert.ok(rows.every((x) => x.status === "completed" && x.summary?.rounds === 5));
  const again = await runCli(["--sweep", gridPath, "--seeds", "0..2", "--out", out]);
  assert.match(again.out, /0 ran, 6 skipped/);
  assert.ok(rows.every((x) => x.valid === true), "policy runs are valid");
  // grim vs always_defect: grim cooperates once, then defects
  const grim = rows.find((x) => x.cell === 'policies=["grim","always_defect"]' && x.seed === 0)!;
  assert.equal(grim.run, join("runs", "policies=_grim_,_always_defect_-s0"));
  const summary = JSON.parse(await Deno.readTextFile(join(out, grim.run, "summary.json")));
  assert.equal(summary.agents.alice.total, 0 + 4 * 1);
  assert.equal(summary.agents.bob.total, 5 + 4 * 1);
  // grim cooperated 1 round in 5: no mutual cooperation; a verdict of a valid run.
  assert.equal(summary.mutual_cooperation, false);
  assert.equal(summary.mutual_cooperation_rate, 0);
  assert.deepEqual(grim.verdicts, { mutual_cooperation: false });
});

Deno.test("seeds: one experiment over a range of seeds is a one-cell sweep with its config", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-seeds-" });
  const config = join(dir, "ipd.json");
  await Deno.writeTextFile(config, JSON.stringify({ rounds: 4 }));
  const out = join(dir, "sw");
  const r = await runCli([
    "ipd",
    "--seeds",
    "2..4",
    "--config",
    config,
    "--workers",
    "2",
    "--out",
    out,
    "--no-report",
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const rows = await readJsonl(join(out, "index.jsonl"), SweepIndexRowSchema);
  assert.deepEqual(rows.map((x) => x.seed).sort(), [2, 3, 4]);
  assert.ok(rows.every((x) => x.cell === "base" && x.status === "completed"));
  const summary = JSON.parse(await Deno.readTextFile(join(out, "runs", "base-s3", "summary.json")));
  assert.equal(summary.steps, 4, "the --config applies to every seed");
  assert.equal(summary.seed, 3);
});

Deno.test("sweep: a bad cell is rejected before any run starts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-sweep-" });
  const gridPath = join(dir, "grid.json");
  await Deno.writeTextFile(
    gridPath,
    JSON.stringify({ experiment: "ipd", grid: { rounds: [3, -1] } }),
  );
  const r = await runCli([
    "--sweep",
    gridPath,
    "--seeds",
    "0..1",
    "--out",
    join(dir, "sw"),
    "--quiet",
  ]);
  assert.equal(r.code, 2);
  assert.match(r.err, /grid\.json: cell rounds=-1: config\.rounds: /);
  assert.ok(!(await exists(join(dir, "sw"))), "a bad grid leaves nothing behind");
});

Deno.test("sweep: works through `deno task run` (the task grants what workers need)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-sweep-task-" });
  const gridPath = join(dir, "grid.json");
  await Deno.writeTextFile(
    gridPath,
    JSON.stringify({ experiment: "ipd", base: { rounds: 3 }, grid: { rounds: [3, 4] } }),
  );
  const root = new URL("../..", import.meta.url);
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "task",
      "run",
      "--sweep",
      gridPath,
      "--seeds",
      "0..0",
      "--out",
      join(dir, "sw"),
      "--no-report",
    ],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
  assert.match(text, /2 ran, 0 skipped/);
});

Deno.test("sweep: budget stops are recorded as such; a rerun resumes them, literal keys included", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-sweep-budget-" });
  await using server = startOpenAIServer((body) => ({ reply: ipdReply(body) }));
  const agents = join(dir, "agents.json");
  await Deno.writeTextFile(
    agents,
    JSON.stringify({
      agents: [
        {
          name: "gpt",
          provider: "openai",
          model: "gpt-4o-mini",
          base_url: server.baseURL,
          api_key: "sk-literal-sweep-key-0123456789",
        },
        { name: "tft", provider: "policy", policy: "tit_for_tat" },
      ],
    }),
  );
  const gridPath = join(dir, "grid.json");
  await Deno.writeTextFile(
    gridPath,
    JSON.stringify({ experiment: "ipd", base: { rounds: 6 }, grid: { rounds: [6] } }),
  );
  const out = join(dir, "sw");
  const cut = await runCli([
    "--sweep",
    gridPath,
    "--seeds",
    "0..0",
    "--agents",
    agents,
    "--max-tokens",
    "300",
    "--out",
    out,
    "--quiet",
  ]);
  assert.equal(cut.code, 1);
  let rows = await readJsonl(join(out, "index.jsonl"), SweepIndexRowSchema);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].status, "stopped_budget");
  assert.match(rows[0].error ?? "", /^Token budget reached: used \d+ /);
  assert.equal(rows[0].summary, undefined);
  const more = await runCli([
    "--sweep",
    gridPath,
    "--seeds",
    "0..0",
    "--agents",
    agents,
    "--max-tokens",
    "100000",
    "--out",
    out,
    "--quiet",
  ]);
  assert.equal(more.code, 0, more.err);
  rows = await readJsonl(join(out, "index.jsonl"), SweepIndexRowSchema);
  assert.equal(rows.at(-1)!.status, "completed");
  assert.equal(server.count(), 6, "the resumed run did not repeat the rounds before the stop");
  for (const f of await listFiles(out)) {
    assert.ok(!(await Deno.readTextFile(f)).includes("sk-literal-sweep-key"), `key in ${f}`);
  }
});
