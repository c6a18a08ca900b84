/**
 * `deno task export` and `deno task report` of a run or sweep that is being written (its lock
 * held by a live process, here or on another host): refused with exit 2 and one line, unless
 * `--partial`, which marks the output as partial (`PARTIAL.txt` beside the exported files, a
 * "Partial" banner in the report).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { exportMain, PARTIAL_NOTE } from "../../lib/cli/export.ts";
import { findExperiment } from "../../lib/cli/registry.ts";
import { reportMain } from "../../lib/cli/report.ts";
import { openRun, runToEnd } from "../../lib/run/open.ts";
import { captureConsole, runCli } from "../support/cli.ts";

const ipd = findExperiment("ipd")!;
const exportCli = (argv: string[]) => captureConsole(() => exportMain(argv));
const reportCli = (argv: string[]) => captureConsole(() => reportMain(argv));
const exists = (p: string) => Deno.stat(p).then(() => true, () => false);

Deno.test("export/report of a run being written: exit 2 and one line; --partial marks the output", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-partial-" });
  const dir = join(root, "run");
  const reports = join(root, "reports");
  const session = await openRun({
    experiment: ipd,
    config: { rounds: 8 },
    seed: 1,
    out: dir,
    reportsRoot: null,
  });
  try {
    await session.run({ until: 3 });
    const out = join(root, "export");
    const refused = await exportCli([dir, "--format", "csv", "--out", out]);
    assert.equal(refused.code, 2);
    assert.equal(refused.err.split("\n").length, 1, refused.err);
    assert.match(
      refused.err,
      new RegExp(`^error: ${dir}: being written by process ${Deno.pid} on .*--partial$`),
    );
    assert.equal(await exists(out), false, "nothing exported");

    const partial = await exportCli([dir, "--format", "csv", "--out", out, "--partial"]);
    assert.equal(partial.code, 0, partial.err);
    const note = await Deno.readTextFile(join(out, PARTIAL_NOTE));
    assert.match(note, /^partial: true\n/);
    assert.match(note, new RegExp(`being_written_by: process ${Deno.pid} on `));
    assert.match(partial.out, /partial export/);
    const decisions = await Deno.readTextFile(join(out, "decisions.csv"));
    assert.equal(decisions.trim().split("\n").length, 1 + 3 * 2, "3 rounds of 2 agents so far");

    const rRefused = await reportCli([dir, "--reports", reports]);
    assert.equal(rRefused.code, 2);
    assert.equal(rRefused.err.split("\n").length, 1, rRefused.err);
    assert.match(rRefused.err, /being written by process \d+ .*--partial$/);
    const rPartial = await reportCli([dir, "--reports", reports, "--partial"]);
    assert.equal(rPartial.code, 0, rPartial.err);
    const md = await Deno.readTextFile(join(reports, "run", "report.md"));
    assert.match(md, /\*\*Partial\*\* \(partial: true\)/);
    assert.match(md, /being written by process/);
  } finally {
    session.close();
  }
  // finished: exported and reported whole; the partial note goes
  const again = await openRun({
    experiment: ipd,
    config: { rounds: 8 },
    seed: 1,
    out: join(root, "done"),
    reportsRoot: null,
  });
  assert.equal((await runToEnd(again)).outcome.status, "completed");
  const out = join(root, "export");
  const whole = await exportCli([join(root, "done"), "--format", "csv", "--out", out]);
  assert.equal(whole.code, 0, whole.err);
  assert.equal(await exists(join(out, PARTIAL_NOTE)), false, "a complete export drops the note");
  const report = await reportCli([join(root, "done"), "--reports", reports]);
  assert.equal(report.code, 0, report.err);
  assert.doesNotMatch(await Deno.readTextFile(join(reports, "done", "report.md")), /Partial/);
});

Deno.test("export/report of a sweep with a live shard on another host: refused; --partial marks it", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-partial-" });
  const grid = join(root, "grid.json");
  await Deno.writeTextFile(
    grid,
    JSON.stringify({ experiment: "ipd", base: { rounds: 3 }, grid: {} }),
  );
  const dir = join(root, "data", "sweeps", "sw");
  const r = await runCli([
    "--sweep",
    grid,
    "--seeds",
    "0..3",
    "--shard",
    "0/2",
    "--out",
    dir,
    "--no-report",
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  // shard 1/2 is running on node-9 (its heartbeat is fresh)
  const lock = join(dir, "shards", "1-of-2.lock");
  const now = new Date().toISOString();
  await Deno.writeTextFile(
    lock,
    JSON.stringify({ pid: 777, host: "node-9", since: now, beat: now, id: "n9" }),
  );
  const reports = join(root, "reports");
  const refused = await reportCli([dir, "--reports", reports]);
  assert.equal(refused.code, 2);
  assert.match(
    refused.err,
    /^error: .*being written by shard 1\/2: process 777 on node-9 .*--partial$/,
  );
  const ex = await exportCli([dir, "--format", "csv"]);
  assert.equal(ex.code, 2);
  assert.match(ex.err, /shard 1\/2: process 777 on node-9/);

  const partial = await reportCli([dir, "--reports", reports, "--partial"]);
  assert.equal(partial.code, 0, partial.err);
  assert.match(
    await Deno.readTextFile(join(reports, "sw", "report.md")),
    /\*\*Partial\*\* \(partial: true\).*shard 1\/2: process 777 on node-9/,
  );
  const exPartial = await exportCli([dir, "--format", "csv", "--partial"]);
  assert.equal(exPartial.code, 0, exPartial.err);
  assert.match(await Deno.readTextFile(join(dir, "export", PARTIAL_NOTE)), /node-9/);

  // without a name, `deno task report` skips it (not a failure)
  const all = await reportCli(["--data", join(root, "data"), "--reports", reports]);
  assert.equal(all.code, 0, all.err);
  assert.match(all.out, /skipped: .*being written/);

  // node-9 went silent two minutes ago: no longer a writer
  const old = new Date(Date.now() - 120_000);
  await Deno.writeTextFile(
    lock,
    JSON.stringify({ pid: 777, host: "node-9", since: old, beat: old, id: "n9" }),
  );
  await Deno.utime(lock, old, old);
  const ok = await reportCli([dir, "--reports", reports]);
  assert.equal(ok.code, 0, ok.err);
  assert.doesNotMatch(await Deno.readTextFile(join(reports, "sw", "report.md")), /Partial/);
});
