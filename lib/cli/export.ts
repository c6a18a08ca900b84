/**
 * `deno task export DIR [--format parquet|csv] [--out DIR]`: writes the frames of a run
 * directory (`decisions`, `llm_calls`, `events`) or of a sweep directory (`runs`, and the
 * `decisions` of all its runs with `cell` and the parameters) as Parquet (default) or CSV
 * files, by default into `DIR/export/`. Bad input prints one line naming the flag or path
 * and exits with code 2.
 *
 * @module
 */
import { ConfigError } from "../core/config.ts";
import { LogFormatError } from "../core/run_log.ts";
import { EXPORT_FORMATS, exportDir, type ExportFormat } from "../analysis/export.ts";
import { COMMON_FLAGS, parseFlags, printVersionIfAsked } from "./common_flags.ts";
import { commandFailed } from "./errors.ts";
import { EXIT_OK } from "./exit_codes.ts";
import { findExperiment } from "./registry.ts";

/** One line for the CLI's list of commands. */
export const EXPORT_DESCRIPTION = "Export a run or sweep directory as Parquet or CSV files";

/** `--help` of `deno task export`. */
export const EXPORT_HELP = `deno task export DIR [--format parquet|csv] [--out DIR]

  DIR               a run directory (config.json) or a sweep directory (sweep.json)
  --format F        parquet (default) or csv
  --out DIR         the output folder (default DIR/export/)
  --help            this text

A run gives decisions, llm_calls and events; a sweep gives runs (one row per run: cell,
seed, run, status, valid, the parameters and the summary's headline figures) and decisions
(every run's decisions with cell and the parameters). Exit codes: 0 done; 1 failed; 2 bad
input.`;

/** Parsed flags of `deno task export`. */
export interface ExportArgs {
  dir: string;
  format: ExportFormat;
  out?: string;
  help: boolean;
}

/**
 * Parses the flags of `deno task export`.
 *
 * @param argv The arguments (without the program name).
 * @returns The parsed flags.
 * @throws {ConfigError} For an unknown flag, a bad `--format`, a missing or extra `DIR`.
 *
 * @example
 * ```ts
 * import { parseExportArgs } from "./export.ts";
 * console.log(parseExportArgs(["data/runs/a", "--format", "csv"]).format); // csv
 * ```
 */
export function parseExportArgs(argv: string[]): ExportArgs {
  const parsed = parseFlags(argv, {
    format: { type: "string" },
    out: COMMON_FLAGS.out,
    help: COMMON_FLAGS.help,
  }, true);
  const { format = "parquet", out, help = false } = parsed.values as {
    format?: string;
    out?: string;
    help?: boolean;
  };
  if (help) return { dir: "", format: "parquet", help };
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new ConfigError(`--format: expected parquet or csv, got '${format}'`);
  }
  const [dir, ...extra] = parsed.positionals;
  if (!dir) throw new ConfigError("DIR: name a run or sweep directory (see --help)");
  if (extra.length) throw new ConfigError(`${extra[0]}: one DIR only`);
  return { dir, format: format as ExportFormat, out, help };
}

/**
 * The `deno task export` command.
 *
 * @param argv The arguments (without the program name).
 * @returns The exit code: 0 done, 1 failed, 2 bad input (one line on stderr, no stack).
 *
 * @example
 * ```ts ignore
 * import { exportMain } from "./export.ts";
 * Deno.exit(await exportMain(["data/runs/ipd-1", "--format", "csv"]));
 * ```
 */
export async function exportMain(argv: string[]): Promise<number> {
  try {
    if (await printVersionIfAsked(argv)) return EXIT_OK;
    const args = parseExportArgs(argv);
    if (args.help) {
      console.log(EXPORT_HELP);
      return EXIT_OK;
    }
    const result = await exportDir(args.dir, {
      format: args.format,
      out: args.out,
      schemaOf: (name) => findExperiment(name)?.decisionSchema,
    });
    for (const f of result.files) console.log(`${f.path}: ${f.rows} rows`);
    return EXIT_OK;
  } catch (e) {
    return commandFailed(e, [LogFormatError]);
  }
}

if (import.meta.main) Deno.exit(await exportMain(Deno.args));
