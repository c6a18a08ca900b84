/**
 * `deno task run`: headless experiments, resumes and sweeps. See `--help` or the README.
 *
 * @module
 */
import { ConfigError } from "../core/config.ts";
import { checkFlagFile, withFlag } from "../core/flags.ts";
import { redactSecrets } from "../core/redact.ts";
import type { SharedLimits } from "../llm/factory.ts";
import type { RunResult, RunSession } from "../run/session.ts";
import type { Validity } from "../core/validity.ts";
import type { ProgressBar } from "../core/progress.ts";
import { printVersionIfAsked } from "./common_flags.ts";
import { debugTrace } from "./errors.ts";
import { type CliArgs, configOf, HELP, parseCliArgs } from "./args.ts";
import { COMMAND_ENTRIES, EXPERIMENT_ENTRIES, isCommand } from "./manifest.ts";
import { EXIT_BUDGET } from "./exit_codes.ts";

// Start-up stays light: `--help`, `--version` and a bad flag are answered from the manifest
// (plain data); the engines, the LLM SDKs, polars and vega load only once there is a run, a
// sweep or a command to play (dynamic imports below).

/** A short line of a run's headline figures. */
export function headline(summary: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(summary)) {
    if (["v", "experiment", "seed", "status"].includes(k)) continue;
    if (typeof v === "boolean" || typeof v === "number" || typeof v === "string") {
      parts.push(`${k}=${typeof v === "number" && !Number.isInteger(v) ? v.toFixed(3) : v}`);
    }
  }
  return parts.slice(0, 8).join(" ");
}

async function printResult(r: RunResult, quiet: boolean) {
  if (r.outcome.status !== "completed") {
    console.error(`${r.id}: stopped after step ${r.outcome.steps}: ${r.outcome.reason}`);
    const more = r.outcome.status === "stopped_budget" ? " --max-tokens/--max-usd <more>" : "";
    console.error(`  resume with: deno task run --resume ${r.dir}${more}`);
    return;
  }
  const v = r.summary.validity as Validity | undefined;
  if (v && !v.valid) {
    const { validityWarning } = await import("../core/validity.ts");
    console.error(validityWarning(r.id, v));
  }
  if (!quiet) console.log(`${r.id}: ${headline(r.summary)}`);
  console.log(`  run: ${r.dir}${r.report ? `\n  report: ${r.report}` : ""}`);
}

/** Plays a session with a progress bar; Ctrl-C stops it cleanly at a checkpoint. */
async function play(session: RunSession, quiet: boolean): Promise<RunResult> {
  const [{ ProgressBar: Bar }, { runToEnd }] = await Promise.all([
    import("../core/progress.ts"),
    import("../run/open.ts"),
  ]);
  const bar = new Bar({ label: session.id, total: session.horizon, quiet });
  let last = 0;
  let latest: Parameters<ProgressBar["update"]>[0] | undefined;
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  try {
    return await runToEnd(session, {
      signal: abort.signal,
      onProgress: (p) => {
        latest = { done: p.step, agents: p.agents, tokens: p.tokens, usd: p.usd };
        const now = Date.now();
        if (now - last < 100 && p.step !== p.horizon) return; // long runs: a few redraws a second
        last = now;
        bar.update({ done: p.step, agents: p.agents, tokens: p.tokens, usd: p.usd });
      },
    });
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    // the line ends at the steps really played (a redraw may have been skipped)
    bar.finish(latest);
  }
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let args: CliArgs;
  // the run being played, so that a failure can say where it is and how to resume it
  let playing: string | undefined;
  try {
    if (await printVersionIfAsked(argv)) return 0;
    if (argv.length > 0 && isCommand(argv[0])) {
      const [{ COMMANDS }, { rebuildIndex }] = await Promise.all([
        import("./commands.ts"),
        import("./report.ts"),
      ]);
      return await COMMANDS[argv[0]].run(argv.slice(1), {
        rebuildIndex: (reportsRoot, extra) => rebuildIndex({ reportsRoot, extra }),
      });
    }
    // every experiment's own flags are parsed; each must belong to the experiments named
    const engineFlags = Object.assign({}, ...EXPERIMENT_ENTRIES.map((e) => e.flags ?? {}));
    args = parseCliArgs(argv, engineFlags);
    if (args.help) {
      console.log(helpText());
      return 0;
    }
    for (const name of args.experiments) {
      if (!EXPERIMENT_ENTRIES.some((e) => e.name === name)) {
        throw new ConfigError(
          `experiment '${name}' is unknown; expected one of ${
            [...EXPERIMENT_ENTRIES.map((e) => e.name), ...Object.keys(COMMAND_ENTRIES)].join(", ")
          }`,
        );
      }
    }
    for (const flag of Object.keys(args.engineFlags)) {
      const owners = EXPERIMENT_ENTRIES.filter((e) => e.flags && flag in e.flags).map((e) =>
        e.name
      );
      if (args.experiments.length === 0 || args.experiments.some((n) => !owners.includes(n))) {
        throw new ConfigError(`--${flag}: a flag of ${owners.join(", ")} only; name it`);
      }
    }
    // A file flag naming a FIFO, a device or a huge file is refused before anything loads.
    if (args.agents) await checkFlagFile("--agents", args.agents);
    if (args.sweep) await checkFlagFile("--sweep", args.sweep);
    const { loadAgentsFile } = await import("../llm/agents_file.ts");
    const agents = args.agents
      ? (await withFlag("--agents", () => loadAgentsFile(args.agents!))).agents
      : null;
    if (agents && args.replay) {
      throw new ConfigError("--agents: not with --replay (the recorded run plays every seat)");
    }
    if (args.estimate) return await (await import("./estimate.ts")).printEstimate(args, agents);
    // the report writers load only when reports are written (not with --no-report)
    const [{ openRun, resumeRun }, reports] = await Promise.all([
      import("../run/open.ts"),
      args.reports !== null ? import("./report.ts") : null,
    ]);
    const limits: SharedLimits = new Map();
    const common = {
      lang: args.lang,
      agents,
      cacheDir: args.cache,
      offline: args.offline,
      maxTokens: args.maxTokens,
      maxUsd: args.maxUsd,
      reportsRoot: args.reports,
      writeReport: reports?.writeRunReport,
      maxFallbackShare: args.maxFallback,
    };
    if (args.resume) {
      if (args.experiments.length) throw new ConfigError("--resume: name no experiment with it");
      const { findExperiment } = await import("./registry.ts");
      const session = await resumeRun(args.resume, findExperiment, common, limits);
      playing = session.dir;
      const r = await play(session, args.quiet);
      playing = undefined;
      await printResult(r, args.quiet);
      // The index lists the run as it is now: completed, or stopped again.
      if (args.reports !== null) {
        const index = await reports!.rebuildIndex({ reportsRoot: args.reports, extra: [r.dir] });
        console.log(`index: ${index}`);
      }
      return exitCode(r);
    }
    if (args.sweep || args.seeds) {
      const { runSweep } = await import("./sweep.ts");
      const result = await runSweep({ ...args, argv });
      if (args.reports !== null) {
        const report = await reports!.regenerateReport(result.dir, args.reports);
        const index = await reports!.rebuildIndex({
          reportsRoot: args.reports,
          extra: [result.dir],
        });
        if (!args.quiet) console.log(`  report: ${report}\nindex: ${index}`);
      }
      return result.failed > 0 ? 1 : 0;
    }
    const names = args.experiments.length
      ? args.experiments
      : EXPERIMENT_ENTRIES.map((e) => e.name);
    if (names.length > 1 && (args.config || args.out || args.replay)) {
      throw new ConfigError(
        `--${
          args.config ? "config" : args.out ? "out" : "replay"
        }: applies to one experiment; name it`,
      );
    }
    const made: string[] = [];
    let code = 0;
    for (const name of names) {
      // this experiment's module only (the registry would load every engine)
      const experiment = await EXPERIMENT_ENTRIES.find((e) => e.name === name)!.load();
      const session = await openRun({
        ...common,
        experiment,
        config: await configOf(args, experiment),
        seed: args.seed,
        horizon: args.rounds,
        out: args.out,
        replay: args.replay,
        policy: { checkpointEvery: args.checkpointEvery, logDecisions: args.logDecisions },
        argv: ["deno", "task", "run", ...argv],
      }, limits);
      playing = session.dir;
      const r = await play(session, args.quiet);
      playing = undefined;
      await printResult(r, args.quiet);
      code = Math.max(code, exitCode(r));
      made.push(r.dir);
    }
    if (args.reports !== null) {
      const index = await reports!.rebuildIndex({ reportsRoot: args.reports, extra: made });
      if (!args.quiet || args.experiments.length === 0) console.log(`index: ${index}`);
    }
    return code;
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`error: ${redactSecrets(e.message)}`);
      return 2;
    }
    console.error(`error: ${redactSecrets((e as Error).message)}`);
    if (playing) {
      console.error(`  run: ${playing}`);
      console.error(`  resume with: deno task run --resume ${playing}`);
    }
    if (Deno.env.get("LAB_DEBUG")) debugTrace(e);
    return 1;
  }
}

/** `--help`: the generic text with the experiments, commands and experiments' own flags. */
function helpText(): string {
  const commands = Object.entries(COMMAND_ENTRIES);
  const width = Math.max(
    ...[...EXPERIMENT_ENTRIES.map((e) => e.name), ...Object.keys(COMMAND_ENTRIES)].map((n) =>
      n.length
    ),
  );
  const line = (name: string, text: string) => `\n  ${name.padEnd(width)}  ${text}`;
  const own = EXPERIMENT_ENTRIES.filter((e) => e.flags && Object.keys(e.flags).length);
  return HELP.replace(
    "{experiments}",
    EXPERIMENT_ENTRIES.map((e) => line(e.name, e.description)).join(""),
  )
    .replace(
      "{commands}",
      commands.length
        ? `\nCommands (deno task run <command> --help):${
          commands.map(([n, c]) => line(n, c)).join("")
        }\n`
        : "",
    )
    .replace(
      "{engineFlags}",
      own.map((e) =>
        `\nFlags of ${e.name}:\n${
          Object.entries(e.flags!).map(([n, f]) =>
            `  --${n}${f.type === "string" ? " V" : ""}`.padEnd(20) + f.description
          ).join("\n")
        }\n`
      ).join(""),
    );
}

function exitCode(r: RunResult): number {
  if (r.outcome.status === "completed") return 0;
  if (r.outcome.status === "interrupted") return 130;
  return EXIT_BUDGET;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
