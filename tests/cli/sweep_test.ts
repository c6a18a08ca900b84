import assert from "node:assert/strict";
import { join } from "node:path";
import { SweepIndexRowSchema } from "../../lib/cli/sweep.ts";
import { gridCells, setPath, sweepItems } from "../../lib/cli/sweep.ts";
import { readJsonl } from "../../lib/core/run_log.ts";
import { runCli } from "../support/cli.ts";

Deno.test("sweep: grid cells are the cartesian product; shards partition the items", () => {
  const grid = { experiment: "ipd", base: {}, grid: { rounds: [5, 6], "payoffs.T": [5, 6, 7] } };
  const cells = gridCells(grid);
  assert.equal(cells.length, 6);
  assert.deepEqual(cells[0], { id: "c000", params: { rounds: 5, "payoffs.T": 5 } });
  const all = sweepItems(grid, [0, 2]);
  assert.equal(all.length, 18);
  const shards = [0, 1, 2].map((i) => sweepItems(grid, [0, 2], [i, 3]).map((x) => x.run));
  assert.deepEqual(shards.flat().sort(), all.map((x) => x.run).sort());
  assert.deepEqual(setPath({ a: { b: 1, c: 2 } }, "a.b", 9), { a: { b: 9, c: 2 } });
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
  // grim vs always_defect: grim cooperates once, then defects
  const grim = rows.find((x) => x.cell === "c001" && x.seed === 0)!;
  const summary = JSON.parse(await Deno.readTextFile(join(out, grim.run, "summary.json")));
  assert.equal(summary.agents.alice.total, 0 + 4 * 1);
  assert.equal(summary.agents.bob.total, 5 + 4 * 1);
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
  assert.match(r.err, /cell c001 \{"rounds":-1\}: config\.rounds: /);
});
