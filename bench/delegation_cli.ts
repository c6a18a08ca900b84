/**
 * `deno run -A bench/delegation_cli.ts [--runs N]`: the delegation command at `T = 1e6` on the
 * recorded reference data, end to end as a user runs it (a child process each time), with
 * the default logging (every delegation's row, a checkpoint every 100) and without rows, plus
 * the CLI's own start-up (`--help`, a flag error) for scale. Prints the best and median wall
 * time and the CPU time of each, and the default run against the original Python
 * simulator's recorded 16.3 s (it cannot run `T = 1e6` as published: it stops past its
 * 1,000 records).
 *
 * @module
 */
import { join } from "node:path";
import { findReference, missingReference } from "../lib/core/reference.ts";

/** The original simulator's wall time for the same run, as recorded (not rerun here). */
const ORIGINAL_SECONDS = 16.3;

const runsFlag = Deno.args.indexOf("--runs");
const runs = runsFlag >= 0 ? Number(Deno.args[runsFlag + 1]) : 3;
const records = findReference("delegation");
if (!records) {
  console.log(missingReference("delegation"));
  Deno.exit(0);
}
const tmp = await Deno.makeTempDir({ prefix: "lab-delegation-cli-" });
const config = join(tmp, "t1e6.json");
await Deno.writeTextFile(config, JSON.stringify({ T: 1_000_000 }));
const main = new URL("../lib/cli/main.ts", import.meta.url).pathname;
const run = ["run", "--allow-all", main];
const delegation = (...extra: string[]) => [
  ...run,
  "delegation",
  "--records",
  records,
  "--rng",
  "python",
  "--config",
  config,
  "--no-report",
  "--quiet",
  ...extra,
];

/** Each case: its label, its command and the exit code it must end with. */
const cases: [string, string[], number][] = [
  ["--help", [...run, "--help"], 0],
  ["flag error (--seeds x)", [...run, "ipd", "--seeds", "x"], 2],
  ["T = 1e6, default logging", delegation(), 0],
  ["T = 1e6, no rows", delegation("--log-decisions", "none"), 0],
  [
    "T = 1e6, no rows, checkpoint at the end",
    delegation("--log-decisions", "none", "--checkpoint-every", "end"),
    0,
  ],
];

/**
 * Wall and CPU (user + system, from `/usr/bin/time`) seconds of one child process, which
 * must exit with `code`. A run's directory is removed once it is timed, so that every run
 * starts as the first did (not while the disk still writes back the last run's 250 MB).
 */
async function once(
  args: string[],
  i: number,
  code: number,
): Promise<{ wall: number; cpu: number }> {
  const dir = join(tmp, `run-${i}-${crypto.randomUUID()}`);
  const out = args.includes("delegation") ? ["--out", dir] : [];
  const t = performance.now();
  const r = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%U %S", Deno.execPath(), ...args, ...out],
    stdout: "null",
    stderr: "piped",
  }).output();
  const wall = (performance.now() - t) / 1000;
  const stderr = new TextDecoder().decode(r.stderr).trim();
  // /usr/bin/time reports the child's exit status before its own figures
  const status = /Command exited with non-zero status (\d+)/.exec(stderr);
  if (/Command terminated by signal/.test(stderr) || (status ? Number(status[1]) : 0) !== code) {
    throw new Error(`${args.join(" ")}: expected exit ${code}:\n${stderr}`);
  }
  const [user, sys] = (stderr.split("\n").at(-1) ?? "").split(" ").map(Number);
  if (out.length) await Deno.remove(dir, { recursive: true });
  return { wall, cpu: user + sys };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let defaultBest = NaN;
for (const [label, args, code] of cases) {
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await once(args, i, code));
  const walls = times.map((t) => t.wall);
  const best = Math.min(...walls);
  if (label === "T = 1e6, default logging") defaultBest = best;
  console.log(
    `${label.padEnd(42)} wall best ${best.toFixed(2)} s, median ${median(walls).toFixed(2)} s; ` +
      `CPU median ${median(times.map((t) => t.cpu)).toFixed(2)} s (${runs} runs)`,
  );
}
console.log(
  `default logging vs the original's recorded ${ORIGINAL_SECONDS} s: ${
    (ORIGINAL_SECONDS / defaultBest).toFixed(1)
  }x faster (best run)`,
);
console.log(`load average: ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
await Deno.remove(tmp, { recursive: true });
