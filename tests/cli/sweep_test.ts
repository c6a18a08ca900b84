import assert from "node:assert/strict";
import { join } from "node:path";
import { SweepIndexRowSchema } from "../../lib/cli/sweep.ts";
import { gridCells, setPath, sweepItems } from "../../lib/cli/sweep.ts";
import { readJsonl } from "../../lib/core/run_log.ts";
import { ipdReply, listFiles, runCli } from "../support/cli.ts";
import { startOpenAIServer } from "../support/llm_servers.ts";

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

Deno.test("sweep: works through `deno task run` (the task grants what workers need)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-sweep-task-" });
  const gridPath = join(dir, "grid.json");
  await Deno.writeTextFile(
    gridPath,
    JSON.stringify({ experiment: "ipd", base: { rounds: 3 }, grid: { rounds: [3, 4] } }),
  );
  const root = new URL("../..", import.meta.url);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "run", "--sweep", gridPath, "--seeds", "0..0", "--out", join(dir, "sw")],
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
  assert.match(rows[0].error ?? "", /stopped after round \d: Token budget reached/);
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
