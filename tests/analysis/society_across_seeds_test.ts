/**
 * Society survival across seeds (`acrossSeeds` in lib/engines/society/analysis.ts): invalid
 * runs are left out with their count shown, and the survival-rate interval is a share
 * interval inside [0, 1] (a t interval of 1/1, 1/1 and 0/... runs reaches past 1).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { acrossSeeds, validityNote } from "../../lib/engines/society/analysis.ts";
import { meanCI } from "../../lib/analysis/stats.ts";

async function fakeRun(root: string, seed: number, alive: number, valid: boolean) {
  const dir = join(root, `society-s${seed}`);
  await Deno.mkdir(dir, { recursive: true });
  const names = ["a", "b", "c", "d"];
  await Deno.writeTextFile(
    join(dir, "config.json"),
    JSON.stringify({
      v: 1,
      experiment: "society",
      seed,
      created_at: "2025-01-01T00:00:00Z",
      options: {},
      config: {},
      agents: null,
    }),
  );
  await Deno.writeTextFile(
    join(dir, "summary.json"),
    JSON.stringify({
      per_citizen: Object.fromEntries(names.map((n) => [n, {}])),
      survivors: names.slice(0, alive),
      days_played: valid ? 10 : 2,
      day_limit: 10,
      end_reason: "day_limit",
      survived_all: valid ? alive === 4 : "inconclusive",
      collapse: valid ? alive < 2 : "inconclusive",
      validity: { valid },
    }),
  );
  await Deno.writeTextFile(join(dir, "decisions.jsonl"), "");
  await Deno.writeTextFile(join(dir, "events.jsonl"), "");
  return dir;
}

Deno.test("acrossSeeds: invalid runs excluded and counted; survival interval inside [0, 1]", async () => {
  const root = await Deno.makeTempDir({ prefix: "society-across-" });
  try {
    const dirs = [
      await fakeRun(root, 0, 4, true),
      await fakeRun(root, 1, 4, true),
      await fakeRun(root, 2, 3, true),
      await fakeRun(root, 3, 0, false),
      await fakeRun(root, 4, 0, false),
    ];
    const a = await acrossSeeds(dirs);
    assert.equal(a.runs.length, 5);
    assert.deepEqual([a.valid, a.excluded], [3, 2]);
    assert.equal(a.validity_note, "3 of 5 seeds valid; 2 excluded");
    // Valid runs only: 11 of 12 citizens alive, not 11 of 20.
    assert.deepEqual([a.survival_rate.successes, a.survival_rate.trials], [11, 12]);
    assert.equal(a.survival_rate.n, 3);
    assert.ok(a.survival_rate.lo >= 0 && a.survival_rate.hi <= 1);
    assert.ok(a.survival_rate.lo < 11 / 12 && a.survival_rate.hi > 11 / 12);
    // The t interval of the same per-run shares runs past 1 (the bug this replaces).
    assert.ok(meanCI([1, 1, 0.75]).hi > 1);
    assert.equal(a.survival_time.n, 3);
    assert.equal(a.survival_time.mean, 10, "the invalid runs' 2 days are left out");
    assert.equal(a.survived_all.n, 3);
    assert.equal(a.survived_all.successes, 2);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("validityNote: with and without exclusions", () => {
  assert.equal(validityNote(3, 5), "3 of 5 seeds valid; 2 excluded");
  assert.equal(validityNote(5, 5), "5 of 5 seeds valid");
});
