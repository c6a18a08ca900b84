/**
 * `deno run -A bench/big_log.ts [--gb 2] [--out DIR]`: a run whose `decisions.jsonl` passes
 * a size (2 GB by default) is killed (SIGKILL) mid-run, then resumed and finished through
 * the real CLI; prints the log's size, the wall time and the peak RSS of the resume (which
 * verifies every row of every log against the checkpoint before it replays, then summarises
 * by streaming) and of `report`.
 *
 * The run is an IPD game with every decision row logged (about 240 bytes a round), long
 * enough that the log passes the size before the end, checkpointing every 100,000 rounds.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";

const args = parseArgs({
  args: Deno.args,
  options: { gb: { type: "string", default: "2" }, out: { type: "string" } },
});
const target = Number(args.values.gb) * 1e9;
const out = args.values.out ?? await Deno.makeTempDir({ prefix: "lab-big-log-" });
const run = join(out, "run");
const main = new URL("../lib/cli/main.ts", import.meta.url).pathname;
// about 245 bytes of rows a round; IPD takes at most 1e7 rounds
const rounds = Math.min(10_000_000, Math.ceil(target / 245 * 1.15));

const reportCli = new URL("../lib/cli/report.ts", import.meta.url).pathname;

/** Runs a command under GNU time; its wall seconds and peak RSS in MB. */
async function timed(
  argv: string[],
  script = main,
): Promise<{ code: number; seconds: number; mb: number }> {
  const t0 = performance.now();
  const p = new Deno.Command("/usr/bin/time", {
    args: ["-f", "RSS_KB=%M", Deno.execPath(), "run", "-A", script, ...argv],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const { code, stderr } = await p.output();
  const text = new TextDecoder().decode(stderr);
  const kb = Number(/RSS_KB=(\d+)/.exec(text)?.[1] ?? NaN);
  if (code !== 0) console.error(text.split("\n").slice(-5).join("\n"));
  return { code, seconds: (performance.now() - t0) / 1000, mb: kb / 1024 };
}

const decisions = join(run, "decisions.jsonl");
const size = async () => (await Deno.stat(decisions).catch(() => ({ size: 0 }))).size;
const child = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    main,
    "ipd",
    "--config",
    JSON.stringify({ rounds }),
    "--seed",
    "1",
    "--out",
    run,
    "--checkpoint-every",
    "100000",
    "--log-decisions",
    "all",
    "--no-report",
    "--quiet",
  ],
  stdout: "null",
  stderr: "inherit",
}).spawn();
const t0 = performance.now();
let ended = false;
child.status.then(() => ended = true);
while (await size() < target) {
  if (ended) throw new Error(`the run ended before its log reached ${target} bytes`);
  await new Promise((r) => setTimeout(r, 250));
}
child.kill("SIGKILL");
await child.status;
const written = (performance.now() - t0) / 1000;
const killedAt = await size();
console.log(
  `killed after ${written.toFixed(1)} s with decisions.jsonl at ${(killedAt / 1e9).toFixed(2)} GB`,
);
const resume = await timed(["--resume", run, "--no-report", "--quiet"]);
console.log(
  `resume to the end: exit ${resume.code}, ${resume.seconds.toFixed(1)} s, peak RSS ${
    resume.mb.toFixed(0)
  } MB; decisions.jsonl ${((await size()) / 1e9).toFixed(2)} GB`,
);
const report = await timed([run, "--reports", join(out, "reports")], reportCli);
console.log(
  `report: exit ${report.code}, ${report.seconds.toFixed(1)} s, peak RSS ${
    report.mb.toFixed(0)
  } MB`,
);
if (!args.values.out) await Deno.remove(out, { recursive: true });
