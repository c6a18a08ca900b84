/**
 * Long games through the real CLI: wall time, peak RSS and checkpoint size of blockchain and
 * IPD runs of up to a million rounds, each in its own process (`deno run ... lib/cli/main.ts`,
 * the command `deno task run` runs).
 *
 * Peak RSS is the child's `VmHWM` (read from `/proc/<pid>/status` until it exits) or, when
 * `/usr/bin/time` exists, its maximum resident set size; the checkpoint size is the length
 * of the last line of `checkpoints.jsonl`. Run directories go to a temporary folder, removed
 * afterwards.
 *
 * Usage: `deno run -A bench/long_games.ts [--quick] [--json FILE]` (`--quick`: 1e5 rounds
 * instead of 1e6).
 *
 * @module
 */
import { join } from "node:path";

/** One measured run. */
interface Case {
  /** A short name for the table. */
  name: string;
  /** The CLI arguments after `main.ts` (without `--out`). */
  args: string[];
  /** V8 flags of the child (`--v8-flags=...`), e.g. a capped heap. */
  v8?: string;
}

/** What a run measured. */
interface Measure {
  name: string;
  args: string;
  wall_s: number;
  peak_rss_mb: number;
  checkpoint_line_bytes: number;
  decisions_mb: number;
  summary_kb: number;
  exit: number;
}

const MAIN = new URL("../lib/cli/main.ts", import.meta.url).pathname;
const PERMS = [
  "--allow-read",
  "--allow-write",
  "--allow-net",
  "--allow-env",
  "--allow-ffi",
  "--allow-sys",
  "--allow-run",
];

async function hasTime(): Promise<boolean> {
  try {
    return (await Deno.stat("/usr/bin/time")).isFile;
  } catch {
    return false;
  }
}

/** Polls the child's peak RSS (kB) from `/proc` until `done` resolves. */
async function pollHwm(pid: number, done: Promise<unknown>): Promise<number> {
  let peak = 0;
  let over = false;
  done.then(() => over = true);
  while (!over) {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(await Deno.readTextFile(`/proc/${pid}/status`));
      if (m) peak = Math.max(peak, Number(m[1]));
    } catch { /* exited */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  return peak;
}

async function size(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return 0;
  }
}

async function lastLineLength(path: string): Promise<number> {
  try {
    const text = await Deno.readTextFile(path);
    return text.trimEnd().split("\n").at(-1)!.length;
  } catch {
    return 0;
  }
}

/** Runs one case in a child process and measures it. */
async function measure(c: Case, root: string, viaTime: boolean): Promise<Measure> {
  const out = join(root, c.name.replace(/\W+/g, "_"));
  const v8 = c.v8 ? [`--v8-flags=${c.v8}`] : [];
  const deno = [Deno.execPath(), "run", ...PERMS, ...v8, MAIN, ...c.args, "--out", out, "-q"];
  const cmd = viaTime
    ? new Deno.Command("/usr/bin/time", {
      args: ["-f", "%M", ...deno],
      stdout: "null",
      stderr: "piped",
    })
    : new Deno.Command(deno[0], { args: deno.slice(1), stdout: "null", stderr: "piped" });
  const t0 = performance.now();
  const child = cmd.spawn();
  const output = child.output();
  const polled = viaTime ? Promise.resolve(0) : pollHwm(child.pid, output);
  const { code, stderr } = await output;
  const wall = (performance.now() - t0) / 1000;
  const err = new TextDecoder().decode(stderr).trim();
  const rss = viaTime ? Number(err.split("\n").at(-1)) : await polled;
  if (code !== 0) console.error(`${c.name}: exit ${code}\n${err}`);
  const m: Measure = {
    name: c.name,
    args: (c.v8 ? `--v8-flags=${c.v8} ` : "") + c.args.join(" "),
    wall_s: Math.round(wall * 100) / 100,
    peak_rss_mb: Math.round(rss / 1024),
    checkpoint_line_bytes: await lastLineLength(join(out, "checkpoints.jsonl")),
    decisions_mb: Math.round((await size(join(out, "decisions.jsonl"))) / 1e5) / 10,
    summary_kb: Math.round((await size(join(out, "summary.json"))) / 100) / 10,
    exit: code,
  };
  await Deno.remove(out, { recursive: true }).catch(() => {});
  return m;
}

/**
 * A capped V8 heap: the live data of a long run is small (about 17 MB after a GC), the rest
 * of its peak RSS is the heap V8 lets grow between collections.
 */
const CAPPED = "--max-old-space-size=64,--max-semi-space-size=2";

/**
 * The cases: checkpoint size at 1e3 and 1e5 rounds (no rows, one checkpoint at the end),
 * then the long runs, with the experiments' default run policy unless stated.
 */
function cases(long: number): Case[] {
  const quiet = ["--no-report", "--checkpoint-every", "end", "--log-decisions", "none"];
  const horizons = (exp: string) =>
    [1_000, 100_000].map((n) => ({
      name: `${exp} ${n} (checkpoint size)`,
      args: [exp, "--rounds", `${n}`, ...quiet],
    }));
  const n = `${long}`;
  return [
    ...horizons("blockchain"),
    ...horizons("ipd"),
    {
      name: `blockchain ${long}, no rows`,
      args: ["blockchain", "--rounds", n, "--no-report", "--log-decisions", "none"],
    },
    {
      name: `blockchain ${long}, default policy (every row)`,
      args: ["blockchain", "--rounds", n, "--no-report"],
    },
    {
      name: `blockchain ${long}, every 1000th row + report`,
      args: ["blockchain", "--rounds", n, "--log-decisions", "1000", "--reports", "REPORTS"],
    },
    {
      name: `blockchain ${long}, default policy (every row), V8 heap capped`,
      args: ["blockchain", "--rounds", n, "--no-report"],
      v8: CAPPED,
    },
    {
      name: `ipd ${long}, default policy (every row)`,
      args: ["ipd", "--rounds", n, "--no-report"],
    },
    {
      name: `ipd ${long}, default policy (every row), V8 heap capped`,
      args: ["ipd", "--rounds", n, "--no-report"],
      v8: CAPPED,
    },
    {
      name: `ipd ${long}, every row + report`,
      args: ["ipd", "--rounds", n, "--reports", "REPORTS"],
    },
  ];
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const jsonAt = Deno.args.indexOf("--json");
  const root = await Deno.makeTempDir({ prefix: "lab-long-games-" });
  const viaTime = await hasTime();
  const results: Measure[] = [];
  for (const c of cases(quick ? 100_000 : 1_000_000)) {
    c.args = c.args.map((a) => a === "REPORTS" ? join(root, "reports") : a);
    const m = await measure(c, root, viaTime);
    results.push(m);
    console.log(
      `${m.name}: ${m.wall_s} s, peak RSS ${m.peak_rss_mb} MB, checkpoint line ${m.checkpoint_line_bytes} B, ` +
        `decisions ${m.decisions_mb} MB, summary ${m.summary_kb} kB, exit ${m.exit}`,
    );
  }
  await Deno.remove(root, { recursive: true }).catch(() => {});
  if (jsonAt >= 0) {
    await Deno.writeTextFile(Deno.args[jsonAt + 1], JSON.stringify(results, null, 2));
  }
}
