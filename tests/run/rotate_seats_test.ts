/**
 * Designed comparisons: a sweep whose grid varies the agents file, with every agent rotated
 * over every seat, separates the models' effects from the seats'.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readJsonl } from "../../lib/core/run_log.ts";
import { seatEffects, type SeatRun } from "../../lib/reports/seat_effects.ts";
import { rotateSeats, SweepIndexRowSchema } from "../../lib/core/sweep_dir.ts";
import { runCli } from "../support/cli.ts";

Deno.test("rotateSeats: over K rotations every agent sits in every seat once", () => {
  const agents = ["a", "b", "c"];
  const square = [0, 1, 2].map((r) => rotateSeats(agents, r));
  assert.deepEqual(square, [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]]);
  for (let seat = 0; seat < 3; seat++) {
    assert.deepEqual(square.map((row) => row[seat]).sort(), agents);
  }
});

Deno.test("seatEffects: a rich seat does not make its sitter the best model", () => {
  // Seat 0 pays 10 more than seat 1, whoever sits there; model x is 1 better than y.
  const seats = (a: string, b: string) => [
    { seat: 0, agent: a, kind: a },
    { seat: 1, agent: b, kind: b },
  ];
  const unrotated: SeatRun[] = [
    { seats: seats("y", "x"), returns: { y: 10 + 0, x: 1 } },
    { seats: seats("y", "x"), returns: { y: 10 + 0, x: 1 } },
  ];
  const naive = seatEffects(unrotated)!;
  assert.equal(naive.balanced, false);
  assert.ok(naive.models.find((m) => m.model === "y")!.mean > 5, "confounded: y looks best");
  const rotated = seatEffects([...unrotated, { seats: seats("x", "y"), returns: { x: 11, y: 0 } }, {
    seats: seats("x", "y"),
    returns: { x: 11, y: 0 },
  }])!;
  assert.equal(rotated.balanced, true);
  const mean = (m: string) => rotated.models.find((x) => x.model === m)!.mean;
  assert.equal(mean("x") - mean("y"), 1, "the model effect, free of the seat's");
  assert.deepEqual(rotated.seats.map((s) => s.mean), [10.5, 0.5]);
  const invalid = seatEffects([...unrotated, { ...unrotated[0], valid: false }])!;
  assert.equal(invalid.excluded, 1);
  assert.equal(
    seatEffects([unrotated[0]].map((r) => ({ ...r, seats: r.seats.slice(0, 1) }))),
    undefined,
  );
});

Deno.test("sweep: two agents files with rotated seats; summaries say who sat where", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-rotate-" });
  const policy = (name: string, p: string) => ({ name, provider: "policy", policy: p });
  await Deno.writeTextFile(
    join(dir, "a.json"),
    JSON.stringify({
      agents: [
        policy("greedy_a", "greedy"),
        policy("honest_a", "honest"),
        policy("tft_a", "tit_for_tat"),
      ],
    }),
  );
  await Deno.writeTextFile(
    join(dir, "b.json"),
    JSON.stringify({
      agents: [
        policy("adaptive_b", "adaptive"),
        policy("random_b", "random"),
        policy("greedy_b", "greedy"),
      ],
    }),
  );
  const grid = join(dir, "grid.json");
  await Deno.writeTextFile(
    grid,
    JSON.stringify({
      experiment: "blockchain",
      base: { rounds: 8 },
      grid: { agents: ["a.json", "b.json"] },
    }),
  );
  const out = join(dir, "sw");
  const reports = join(dir, "reports");
  const r = await runCli([
    "--sweep",
    grid,
    "--seeds",
    "0..1",
    "--rotate-seats",
    "--workers",
    "2",
    "--out",
    out,
    "--reports",
    reports,
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const rows = await readJsonl(join(out, "index.jsonl"), SweepIndexRowSchema);
  assert.equal(rows.length, 2 * 3 * 2, "2 agents files x 3 rotations x 2 seeds");
  const runs: SeatRun[] = [];
  for (const row of rows) {
    const s = JSON.parse(await Deno.readTextFile(join(out, row.run, "summary.json")));
    const file = row.params.agents === "a.json" ? ["greedy_a", "honest_a", "tft_a"] : [
      "adaptive_b",
      "random_b",
      "greedy_b",
    ];
    const expected = rotateSeats(file, row.params.seat_rotation as number);
    assert.deepEqual(s.seats.map((x: { agent: string }) => x.agent), expected, row.run);
    assert.deepEqual(Object.keys(s.returns).sort(), [...file].sort());
    runs.push(s);
  }
  const effects = seatEffects(runs)!;
  assert.equal(effects.balanced, true, "every model in every seat equally often");
  assert.deepEqual(effects.seats.map((s) => s.obs), [12, 12, 12], "12 runs, one agent per seat");
  assert.deepEqual(effects.seats.map((s) => s.n), [2, 2, 2], "intervals over the 2 seeds");
  assert.ok(effects.models.some((m) => m.model === "policy:greedy" && m.obs === 12 && m.n === 2));
  // the sweep report separates them
  const html = await Deno.readTextFile(join(reports, "sw", "report.html"));
  assert.match(html, /<h2>Models and seats<\/h2>/);
  assert.match(html, /Each model sat in every seat equally often/);
  assert.match(html, /<h3>By seat \(over models\)<\/h3>/);
  // --rotate-seats needs agents
  const bad = await runCli(["ipd", "--seeds", "0..1", "--rotate-seats", "--out", join(dir, "x")]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--rotate-seats: needs --agents or grid.agents/);
});

Deno.test("seatEffects: runs of one seed are one unit; the interval is over seeds", () => {
  const seats = (a: string, b: string) => [
    { seat: 0, agent: a, kind: a },
    { seat: 1, agent: b, kind: b },
  ];
  // two runs per seed (the rotation), three seeds
  const runs: SeatRun[] = [0, 1, 2].flatMap((seed) => [
    { seed, seats: seats("x", "y"), returns: { x: 10 + seed, y: 2 } },
    { seed, seats: seats("y", "x"), returns: { x: 6 + seed, y: 4 } },
  ]);
  const e = seatEffects(runs)!;
  const x = e.models.find((m) => m.model === "x")!;
  assert.equal(x.n, 3, "three seeds");
  assert.equal(x.obs, 6, "six agent-runs");
  assert.equal(x.mean, 9);
  // t over the seeds' means 8, 9, 10: half-width t(0.975, 2) * 1 / sqrt(3)
  assert.ok(Math.abs(x.hi - x.mean - 4.302652729749464 / Math.sqrt(3)) < 1e-9);
});
