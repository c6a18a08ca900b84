/**
 * `deno task run`: headless experiments, resumes and sweeps. See `--help` or the README.
 *
 * @module
 */
import { ConfigError, readJsonFile } from "../core/config.ts";
import { loadAgentsFile } from "../llm/agents_file.ts";
import { type IndexEntry, writeReportIndex } from "../reports/index_page.ts";
import { type CliArgs, HELP, parseCliArgs } from "./args.ts";
import { EXPERIMENTS, findExperiment } from "./registry.ts";
import { resumeRun, type RunResult, startRun } from "./run_one.ts";
import { runSweep } from "./sweep.ts";
import { EXIT_BUDGET } from "./exit_codes.ts";

/** A short line of a run's headline figures. */
export function headline(summary: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(summary)) {
    if (["v", "experiment", "seed"].includes(k)) continue;
    if (typeof v === "boolean" || typeof v === "number" || typeof v === "string") {
      parts.push(`${k}=${typeof v === "number" && !Number.isInteger(v) ? v.toFixed(3) : v}`);
    }
  }
  return parts.slice(0, 8).join(" ");
}

async function loadConfigFile(path: string | undefined): Promise<Record<string, unknown>> {
  if (!path) return {};
  const value = await readJsonFile(path);
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(`${path}: expected a JSON object of engine parameters`);
  }
  return value as Record<string, unknown>;
}

function printResult(r: RunResult, quiet: boolean) {
  if (r.outcome.status !== "completed") {
    console.error(`${r.id}: stopped after round ${r.outcome.rounds}: ${r.outcome.reason}`);
    console.error(`  resume with: deno task run --resume ${r.dir} --max-tokens/--max-usd <more>`);
    return;
  }
  if (!quiet) console.log(`${r.id}: ${headline(r.summary)}`);
  console.log(`  run: ${r.dir}${r.report ? `\n  report: ${r.report}` : ""}`);
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
    if (args.help) {
      console.log(
        HELP.replace(
          "{experiments}",
          EXPERIMENTS.map((e) => `\n  ${e.name.padEnd(12)} ${e.description}`).join(""),
        ),
      );
      return 0;
    }
    for (const name of args.experiments) {
      if (!findExperiment(name)) {
        throw new ConfigError(
          `experiment '${name}' is unknown; expected one of ${
            EXPERIMENTS.map((e) => e.name).join(", ")
          }`,
        );
      }
    }
    const agents = args.agents ? (await loadAgentsFile(args.agents)).agents : null;
    const common = {
      lang: args.lang,
      agents,
      cacheDir: args.cache,
      offline: args.offline,
      maxTokens: args.maxTokens,
      maxUsd: args.maxUsd,
      quiet: args.quiet,
      reportsRoot: args.reports,
    };
    if (args.resume) {
      if (args.experiments.length) throw new ConfigError("--resume: name no experiment with it");
      const r = await resumeRun(args.resume, findExperiment, common);
      printResult(r, args.quiet);
      return r.outcome.status === "completed" ? 0 : EXIT_BUDGET;
    }
    if (args.sweep) {
      const result = await runSweep({ ...args, sweep: args.sweep, argv });
      return result.failed > 0 ? 1 : 0;
    }
    const names = args.experiments.length ? args.experiments : EXPERIMENTS.map((e) => e.name);
    if (names.length > 1 && (args.config || args.out || args.replay)) {
      throw new ConfigError(
        `--${
          args.config ? "config" : args.out ? "out" : "replay"
        }: applies to one experiment; name it`,
      );
    }
    const config = await loadConfigFile(args.config);
    if (args.rounds !== undefined) config.rounds = args.rounds;
    const entries: IndexEntry[] = [];
    let code = 0;
    for (const name of names) {
      const r = await startRun({
        ...common,
        experiment: findExperiment(name)!,
        config: { ...config },
        seed: args.seed,
        out: args.out,
        replay: args.replay,
      });
      printResult(r, args.quiet);
      if (r.outcome.status !== "completed") code = EXIT_BUDGET;
      entries.push({ experiment: name, id: r.id, report: r.report, headline: headline(r.summary) });
    }
    if (args.experiments.length === 0 && args.reports !== null) {
      const index = await writeReportIndex(args.reports, entries);
      console.log(`index: ${index}`);
    }
    return code;
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`error: ${e.message}`);
      return 2;
    }
    console.error(`error: ${(e as Error).message}`);
    if (Deno.env.get("LAB_DEBUG")) console.error(e);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
