/**
 * Sweep shards sharing one directory: slices from Slurm array and Kubernetes indexed Job
 * variables, one lock per shard (overlapping live shards refused, others run side by side),
 * each shard's rows in its own file, merged into `index.jsonl`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../../lib/core/config.ts";
import { readJsonl } from "../../lib/core/run_log.ts";
import { SweepIndexRowSchema, sweepItems } from "../../lib/core/sweep_dir.ts";
import {
  mergeSweepIndex,
  shardFromEnv,
  slicesOverlap,
  sweepIndexRows,
} from "../../lib/run/sweep.ts";
import { runCli } from "../support/cli.ts";

Deno.test("shardFromEnv: Slurm array ids are offset by the array's min and step", () => {
  const slurm = (id: number, min: number, max: number, count: number, step = 1) =>
    shardFromEnv({
      SLURM_ARRAY_TASK_ID: String(id),
      SLURM_ARRAY_TASK_MIN: String(min),
      SLURM_ARRAY_TASK_MAX: String(max),
      SLURM_ARRAY_TASK_COUNT: String(count),
      SLURM_ARRAY_TASK_STEP: String(step),
    })?.shard;
  assert.deepEqual(slurm(0, 0, 7, 8), [0, 8]); // --array=0-7
  assert.deepEqual(slurm(7, 0, 7, 8), [7, 8]);
  assert.deepEqual(slurm(1, 1, 8, 8), [0, 8]); // --array=1-8
  assert.deepEqual(slurm(8, 1, 8, 8), [7, 8]);
  assert.deepEqual(slurm(14, 0, 14, 8, 2), [7, 8]); // --array=0-14:2
  // --array=1,4,9: COUNT 3, but not one range
  assert.throws(
    () => slurm(4, 1, 9, 3),
    (e: Error) => e instanceof ConfigError && /--shard/.test(e.message),
  );
  assert.throws(
    () => shardFromEnv({ SLURM_ARRAY_TASK_ID: "2" }),
    (e: Error) => e instanceof ConfigError && /SLURM_ARRAY_TASK_COUNT is missing/.test(e.message),
  );
  assert.match(
    shardFromEnv({
      SLURM_ARRAY_TASK_ID: "3",
      SLURM_ARRAY_TASK_MIN: "1",
      SLURM_ARRAY_TASK_COUNT: "8",
    })!.source,
    /^SLURM_ARRAY_TASK_ID=3 \(min 1/,
  );
  // a plain job, or no scheduler: no shard
  assert.equal(shardFromEnv({ SLURM_JOB_ID: "12" }), undefined);
  assert.equal(shardFromEnv({}), undefined);
});

Deno.test("shardFromEnv: a Kubernetes indexed Job needs LAB_SHARD_COUNT beside its index", () => {
  assert.deepEqual(
    shardFromEnv({ JOB_COMPLETION_INDEX: "2", LAB_SHARD_COUNT: "4" })?.shard,
    [2, 4],
  );
  assert.throws(
    () => shardFromEnv({ JOB_COMPLETION_INDEX: "2" }),
    (e: Error) => e instanceof ConfigError && /set LAB_SHARD_COUNT/.test(e.message),
  );
  assert.throws(
    () => shardFromEnv({ JOB_COMPLETION_INDEX: "4", LAB_SHARD_COUNT: "4" }),
    ConfigError,
  );
  assert.throws(
    () => shardFromEnv({ JOB_COMPLETION_INDEX: "x", LAB_SHARD_COUNT: "4" }),
    ConfigError,
  );
});

Deno.test("slicesOverlap: i/n and j/m share items exactly when i = j modulo gcd(n, m)", () => {
  const grid = { grid: { a: Array.from({ length: 24 }, (_, i) => i) } };
  for (const [a, b] of [[[0, 2], [0, 4]], [[1, 2], [0, 4]], [[0, 1], [3, 8]], [[1, 4], [3, 6]]]) {
    const x = new Set(sweepItems(grid, [0, 0], a as [number, number]).map((it) => it.run));
    const shared = sweepItems(grid, [0, 0], b as [number, number]).some((it) => x.has(it.run));
    assert.equal(slicesOverlap(a as [number, number], b as [number, number]), shared, `${a} ${b}`);
  }
});

async function gridFile(root: string): Promise<string> {
  const path = join(root, "grid.json");
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      experiment: "ipd",
      base: { rounds: 4 },
      grid: { policies: [["tit_for_tat", "random"], ["grim", "always_defect"]] },
    }),
  );
  return path;
}

const sweep = (grid: string, out: string, ...more: string[]) =>
  runCli(["--sweep", grid, "--seeds", "0..3", "--out", out, "--no-report", "--quiet", ...more]);

Deno.test("shards: 4 shards at once into one directory all run; index.jsonl gets every row once", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-shards-" });
  const grid = await gridFile(root);
  const out = join(root, "sw");
  const results = await Promise.all([0, 1, 2, 3].map((i) => sweep(grid, out, "--shard", `${i}/4`)));
  for (const r of results) assert.equal(r.code, 0, r.err);
  const rows = await readJsonl(join(out, "index.jsonl"), SweepIndexRowSchema);
  assert.equal(rows.length, 8);
  assert.equal(new Set(rows.map((r) => r.run)).size, 8);
  for (const i of [0, 1, 2, 3]) {
    const rec = JSON.parse(await Deno.readTextFile(join(out, "shards", `${i}-of-4.json`)));
    assert.deepEqual(rec.shard, [i, 4]);
    assert.equal(rec.source, "--shard");
    assert.equal(rec.items, 2);
  }
  const names = [...Deno.readDirSync(join(out, "shards"))].map((e) => e.name);
  assert.deepEqual(names.filter((n) => n.endsWith(".lock")), [], "every shard lock released");
  // a rerun of the whole sweep finds every run done
  const again = await runCli(["--sweep", grid, "--seeds", "0..3", "--out", out, "--no-report"]);
  assert.match(again.out, /0 ran, 8 skipped/);
});

Deno.test("shards: a live shard's lock refuses the same or an overlapping slice, not the others", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-shards-" });
  const grid = await gridFile(root);
  const out = join(root, "sw");
  await Deno.mkdir(join(out, "shards"), { recursive: true });
  const now = new Date().toISOString();
  // shard 0/2 running on another machine of the shared file system (a fresh heartbeat)
  await Deno.writeTextFile(
    join(out, "shards", "0-of-2.lock"),
    JSON.stringify({ pid: 4242, host: "node-7", since: now, beat: now, id: "x" }),
  );
  const same = await sweep(grid, out, "--shard", "0/2");
  assert.equal(same.code, 2);
  assert.match(same.err, /^error: .*in use by process 4242 on node-7/);
  assert.equal(same.err.split("\n").length, 1);
  const overlapping = await sweep(grid, out, "--shard", "2/4");
  assert.equal(overlapping.code, 2);
  assert.match(overlapping.err, /shard 2\/4 overlaps shard 0\/2, in use by process 4242 on node-7/);
  const whole = await sweep(grid, out);
  assert.equal(whole.code, 2);
  assert.match(whole.err, /the sweep overlaps shard 0\/2/);
  const other = await sweep(grid, out, "--shard", "1/2");
  assert.equal(other.code, 0, other.err);
  assert.equal((await readJsonl(join(out, "index.jsonl"), SweepIndexRowSchema)).length, 4);
  // the refused attempts left their own locks behind? no
  const locks = [...Deno.readDirSync(join(out, "shards"))].map((e) => e.name)
    .filter((n) => n.endsWith(".lock"));
  assert.deepEqual(locks, ["0-of-2.lock"]);
  // the other machine's shard stops beating: after the threshold its lock is taken over
  const old = new Date(Date.now() - 120_000);
  await Deno.writeTextFile(
    join(out, "shards", "0-of-2.lock"),
    JSON.stringify({ pid: 4242, host: "node-7", since: old, beat: old, id: "x" }),
  );
  await Deno.utime(join(out, "shards", "0-of-2.lock"), old, old);
  const taken = await sweep(grid, out, "--shard", "0/2");
  assert.equal(taken.code, 0, taken.err);
  assert.equal((await readJsonl(join(out, "index.jsonl"), SweepIndexRowSchema)).length, 8);
});

Deno.test("shards: a Slurm array task without --shard runs its slice, printed and recorded", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-shards-" });
  const grid = await gridFile(root);
  const out = join(root, "sw");
  const vars = {
    SLURM_ARRAY_TASK_ID: "2",
    SLURM_ARRAY_TASK_MIN: "1",
    SLURM_ARRAY_TASK_MAX: "4",
    SLURM_ARRAY_TASK_COUNT: "4",
    SLURM_ARRAY_TASK_STEP: "1",
  };
  for (const [k, v] of Object.entries(vars)) Deno.env.set(k, v);
  let r;
  try {
    r = await sweep(grid, out);
  } finally {
    for (const k of Object.keys(vars)) Deno.env.delete(k);
  }
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.out,
    /^shard 1\/4 \(from SLURM_ARRAY_TASK_ID=2 \(min 1, max 4, step 1, count 4\)\)/,
  );
  const rec = JSON.parse(await Deno.readTextFile(join(out, "shards", "1-of-4.json")));
  assert.deepEqual(rec.shard, [1, 4]);
  assert.match(rec.source, /^SLURM_ARRAY_TASK_ID=2/);
  const rows = await readJsonl(join(out, "index.jsonl"), SweepIndexRowSchema);
  const mine = sweepItems({ grid: { policies: [0, 1] } }, [0, 3], [1, 4]).map((x) => x.seed);
  assert.deepEqual(rows.map((x) => x.seed).sort(), mine.sort());
});

Deno.test("mergeSweepIndex: adds the shards' new rows, keeps the old, drops a torn tail, is idempotent", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-merge-" });
  await Deno.mkdir(join(dir, "shards"));
  const row = (seed: number) =>
    JSON.stringify({
      v: 1,
      cell: "base",
      params: {},
      seed,
      run: `runs/base-s${seed}`,
      status: "completed",
    });
  // an earlier version's index: a row of its own, and a torn last line
  await Deno.writeTextFile(join(dir, "index.jsonl"), `${row(0)}\n${row(1)}\n{"v":1,"ce`);
  await Deno.writeTextFile(join(dir, "shards", "0-of-2.jsonl"), `${row(1)}\n${row(2)}\n`);
  // shard 1 is writing its second line right now (no newline yet): left for the next merge
  await Deno.writeTextFile(join(dir, "shards", "1-of-2.jsonl"), `${row(3)}\n${row(5).slice(0, 9)}`);
  assert.equal(await mergeSweepIndex(dir), 4);
  const seeds = async () =>
    (await readJsonl(join(dir, "index.jsonl"), SweepIndexRowSchema)).map((r) => r.seed);
  assert.deepEqual(await seeds(), [0, 1, 2, 3]);
  assert.equal(await mergeSweepIndex(dir), 4);
  assert.deepEqual(await seeds(), [0, 1, 2, 3], "nothing twice");
  await Deno.writeTextFile(join(dir, "shards", "1-of-2.jsonl"), `${row(3)}\n${row(5)}\n`);
  assert.deepEqual((await sweepIndexRows(dir)).map((r) => r.seed), [0, 1, 2, 3, 5]);
  assert.equal(await mergeSweepIndex(dir), 5);
  assert.deepEqual(await seeds(), [0, 1, 2, 3, 5]);
});

Deno.test("shards: a shard whose holder on another host went silent is waited for, then taken over", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-shards-" });
  const grid = await gridFile(root);
  const out = join(root, "sw");
  await Deno.mkdir(join(out, "shards"), { recursive: true });
  Deno.env.set("LAB_LOCK_HEARTBEAT_MS", "100");
  Deno.env.set("LAB_LOCK_STALE_MS", "800");
  try {
    // a holder on node-3 whose last heartbeat was 300 ms ago (3 beats missed)
    const lock = join(out, "shards", "1-of-2.lock");
    const then = new Date(Date.now() - 300);
    await Deno.writeTextFile(
      lock,
      JSON.stringify({ pid: 31, host: "node-3", since: then, beat: then, id: "n3" }),
    );
    await Deno.utime(lock, then, then);
    const started = Date.now();
    const r = await sweep(grid, out, "--shard", "1/2");
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /waiting for process 31 on node-3 .* to go stale/);
    assert.ok(Date.now() - started >= 500, "it waited until the lock was stale");
    // a holder that beat 50 ms ago is live: refused at once, no waiting
    const now = new Date();
    await Deno.writeTextFile(
      lock,
      JSON.stringify({ pid: 31, host: "node-3", since: now, beat: now, id: "n3" }),
    );
    const t0 = Date.now();
    const refused = await sweep(grid, out, "--shard", "1/2");
    assert.equal(refused.code, 2);
    assert.ok(Date.now() - t0 < 700, "refused without waiting");
  } finally {
    Deno.env.delete("LAB_LOCK_HEARTBEAT_MS");
    Deno.env.delete("LAB_LOCK_STALE_MS");
  }
});
