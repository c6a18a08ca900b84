/**
 * What a researcher sees from the command line: `--config` takes a file or inline JSON (a bad
 * one is one line naming `--config`, exit 2); one `--seeds` parser with one limit for every
 * command; `--resume` rebuilds `reports/index.html` (a resumed run is listed as completed,
 * also when it lives outside `data/`); `deno task serve` serves the experiments that declare
 * `serve` and refuses the others in one line (exit 2); `--version` on every command.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { findExperiment } from "../../lib/cli/registry.ts";
import { reportMain } from "../../lib/cli/report.ts";
import { serve } from "../../lib/cli/serve.ts";
import { exportMain } from "../../lib/cli/export.ts";
import { openRun } from "../../lib/run/open.ts";
import { captureConsole, exists, runCli } from "../support/cli.ts";

const oneLine = (err: string) => err.trim().split("\n");

Deno.test("--config: a file and inline JSON give the same run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-config-" });
  const file = join(dir, "ipd.json");
  await Deno.writeTextFile(file, JSON.stringify({ rounds: 4 }));
  const a = await runCli(["ipd", "--config", file, "--out", join(dir, "a"), "-q", "--no-report"]);
  assert.equal(a.code, 0, a.err);
  const b = await runCli([
    "ipd",
    "--config",
    '{"rounds": 4}',
    "--out",
    join(dir, "b"),
    "-q",
    "--no-report",
  ]);
  assert.equal(b.code, 0, b.err);
  const summary = async (d: string) => {
    const s = JSON.parse(await Deno.readTextFile(join(dir, d, "summary.json")));
    return { steps: s.steps, returns: s.returns, verdicts: s.verdicts };
  };
  assert.equal((await summary("a")).steps, 4);
  assert.deepEqual(await summary("a"), await summary("b"));
});

Deno.test("--config: bad inline JSON, a non-object and a missing file are one line naming --config", async () => {
  const cases: [string, RegExp][] = [
    ['{"rounds": 4,}', /^error: --config: inline JSON: invalid JSON at line 1 column \d+/],
    ["{rounds: 4}", /^error: --config: inline JSON: invalid JSON/],
    ["/no/such/config.json", /^error: --config: \/no\/such\/config\.json: file not found$/],
  ];
  for (const [value, message] of cases) {
    const r = await runCli(["ipd", "--config", value, "-q"]);
    assert.equal(r.code, 2, value);
    assert.equal(oneLine(r.err).length, 1, r.err);
    assert.match(r.err, message);
  }
  const dir = await Deno.makeTempDir({ prefix: "lab-config-" });
  const arr = join(dir, "arr.json");
  await Deno.writeTextFile(arr, "[1, 2]");
  const r = await runCli(["ipd", "--config", arr, "-q"]);
  assert.equal(r.code, 2);
  assert.match(
    r.err,
    /^error: --config: .*arr\.json: expected a JSON object of engine parameters$/,
  );
});

Deno.test("--seeds: one parser, one limit, the same message for runs, studies and profiles", async () => {
  for (
    const argv of [
      ["ipd", "--seeds", "0..100000"],
      ["study", "rq2", "--seeds", "0..100000", "--estimate"],
      ["profile", "--agents", "x.json", "--seeds", "0..100000"],
    ]
  ) {
    const r = await runCli(argv);
    assert.equal(r.code, 2, argv.join(" "));
    assert.equal(r.err.trim(), "error: --seeds: at most 100000 seeds", argv.join(" "));
  }
  for (const argv of [["ipd", "--seeds", "5..2"], ["study", "rq2", "--seeds", "5..2"]]) {
    const r = await runCli(argv);
    assert.equal(r.code, 2);
    assert.equal(r.err.trim(), "error: --seeds: 5..2 is empty");
  }
});

Deno.test("--resume: the index lists the resumed run as completed, with its report", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-resume-index-" });
  const run = join(dir, "elsewhere", "ipd-stopped");
  const reports = join(dir, "reports");
  // a run stopped half-way (as after a kill or Ctrl-C), outside data/
  const session = await openRun({
    experiment: findExperiment("ipd")!,
    config: { rounds: 6 },
    seed: 3,
    out: run,
    reportsRoot: null,
  });
  await session.run({ until: 3 });
  session.close();
  assert.ok(!(await exists(join(run, "summary.json"))));
  const r = await runCli(["--resume", run, "--reports", reports, "-q"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /index: /);
  const index = await Deno.readTextFile(join(reports, "index.html"));
  assert.ok(index.includes('href="ipd-stopped/report.html"'), "the resumed run is linked");
  const row = index.split("\n").find((l) => l.includes("ipd-stopped"))!;
  assert.match(row, /<td>completed<\/td>/);
  assert.ok(await exists(join(reports, "ipd-stopped", "report.html")));
});

Deno.test("serve: an experiment that cannot be served is one line, exit 2", async () => {
  const ipd = await captureConsole(() => serve(["ipd"]));
  assert.equal(ipd.code, 2);
  assert.equal(oneLine(ipd.err).length, 1);
  assert.match(ipd.err, /^error: experiment 'ipd' cannot be served; servable: society$/);
  const unknown = await captureConsole(() => serve(["nope"]));
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /^error: experiment 'nope' is unknown; servable: society$/);
  const help = await captureConsole(() => serve(["--help"]));
  assert.equal(help.code, 0);
  assert.match(help.out, /Servable experiments: society/);
  const bad = await captureConsole(() => serve(["society", "--config", "{oops"]));
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^error: --config: inline JSON: invalid JSON/);
});

Deno.test("--version: every command prints the same line", async () => {
  const lines = [
    (await runCli(["--version"])).out,
    (await runCli(["study", "--version"])).out,
    (await runCli(["profile", "--version"])).out,
    (await captureConsole(() => reportMain(["--version"]))).out,
    (await captureConsole(() => exportMain(["--version"]))).out,
    (await captureConsole(() => serve(["--version"]))).out,
  ];
  assert.match(lines[0], /^LLM Game Lab \S+/);
  for (const l of lines) assert.equal(l, lines[0]);
});
