/**
 * `deno task export DIR [--format parquet|csv] [--out DIR]`: writes the frames of a run
 * directory (`decisions`, `llm_calls`, `events`) or of a sweep directory (`runs`, and the
 * `decisions` of all its runs with `cell` and the parameters) as Parquet (default) or CSV
 * files, by default into `DIR/export/`. Bad input prints one line naming the flag or path
 * and exits with code 2; so does a directory being written (its lock held by a live process,
 * on this host or another), unless `--partial`, which exports what is there so far and
 * writes `PARTIAL.txt` beside the files saying so.
 *
 * @module
 */
import { join } from "node:path";
import { ConfigError } from "../core/config.ts";
import { LogFormatError } from "../core/run_log.ts";
import { EXPORT_FORMATS, exportDir, type ExportFormat } from "../analysis/export.ts";
import { COMMON_FLAGS, parseFlags, printVersionIfAsked } from "./common_flags.ts";
import { commandFailed } from "./errors.ts";
import { EXIT_OK } from "./exit_codes.ts";
import { findExperiment } from "./registry.ts";
import { checkWriters } from "./writers.ts";
import { mergeSweepIndex } from "../run/sweep.ts";

/** One line for the CLI's list of commands. */
export const EXPORT_DESCRIPTION = "Export a run or sweep directory as Parquet or CSV files";

/** `--help` of `deno task export`. */
export const EXPORT_HELP = `deno task export DIR [--format parquet|csv] [--out DIR] [--partial]

  DIR               a run directory (config.json) or a sweep directory (sweep.json)
  --format F        parquet (default) or csv
  --out DIR         the output folder (default DIR/export/)
  --partial         export a run or sweep that is being written as it is now (a note,
                    PARTIAL.txt, says so); without it such a DIR is refused with exit 2
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
  /** `--partial`: export a directory being written as it is now. */
  partial: boolean;
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
    partial: { type: "boolean" },
    help: COMMON_FLAGS.help,
  }, true);
  const { format = "parquet", out, partial = false, help = false } = parsed.values as {
    format?: string;
    out?: string;
    partial?: boolean;
    help?: boolean;
  };
  if (help) return { dir: "", format: "parquet", partial, help };
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new ConfigError(`--format: expected parquet or csv, got '${format}'`);
  }
  const [dir, ...extra] = parsed.positionals;
  if (!dir) throw new ConfigError("DIR: name a run or sweep directory (see --help)");
  if (extra.length) throw new ConfigError(`${extra[0]}: one DIR only`);
  return { dir, format: format as ExportFormat, out, partial, help };
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
    const writers = await checkWriters(args.dir, args.partial);
    if (await isFile(join(args.dir, "sweep.json"))) {
      try {
        await mergeSweepIndex(args.dir); // the shards' rows not merged yet
      } catch (e) {
        if (!(e instanceof Deno.errors.PermissionDenied)) throw e;
      }
    }
    const result = await exportDir(args.dir, {
      format: args.format,
      out: args.out,
      schemaOf: (name) => findExperiment(name)?.decisionSchema,
      // being written: a line may be half written
      tolerateTornTail: writers.length > 0,
    });
    for (const f of result.files) console.log(`${f.path}: ${f.rows} rows`);
    const note = join(result.out, PARTIAL_NOTE);
    if (writers.length) {
      const at = new Date().toISOString();
      await Deno.writeTextFile(
        note,
        `partial: true
exported_at: ${at}
source: ${args.dir}
` +
          `being_written_by: ${writers.join("; ")}

` +
          `These files hold what had been written by ${at}; export again when it has ended.
`,
      );
      console.log(`${note}: partial export (${args.dir} is being written by ${writers[0]})`);
    } else {
      await Deno.remove(note).catch(() => {}); // a complete export replaces a partial one
    }
    return EXIT_OK;
  } catch (e) {
    return commandFailed(e, [LogFormatError]);
  }
}

/** The note written beside the files of a partial export. */
export const PARTIAL_NOTE = "PARTIAL.txt";

async function isFile(path: string): Promise<boolean> {
  return await Deno.stat(path).then((s) => s.isFile, () => false);
}

if (import.meta.main) Deno.exit(await exportMain(Deno.args));
