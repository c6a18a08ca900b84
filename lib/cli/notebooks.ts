/**
 * `deno task notebooks`: executes every notebook in `notebooks/` headlessly on the Deno
 * kernel with `jupyter nbconvert --to notebook --execute`, into a temporary folder (the
 * committed notebooks stay clean). Exits non-zero when any notebook fails. It takes no
 * arguments but `--help` and `--version`; anything else is one line naming it, exit 2,
 * before anything is executed.
 *
 * @module
 */
import { join } from "node:path";
import { ConfigError } from "../core/config.ts";
import { COMMON_FLAGS, parseFlags, printVersionIfAsked } from "./common_flags.ts";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "./exit_codes.ts";

/** The outcome of one notebook. */
export interface NotebookResult {
  /** The notebook's path. */
  notebook: string;
  /** Whether every cell ran. */
  ok: boolean;
  /** How long it took. */
  seconds: number;
  /** The last lines of nbconvert's output when it failed. */
  error?: string;
  /** The executed copy. */
  output?: string;
}

/** `true` when `jupyter nbconvert` runs here. */
export async function hasJupyter(): Promise<boolean> {
  try {
    const r = await new Deno.Command("jupyter", {
      args: ["nbconvert", "--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return r.success;
  } catch {
    return false;
  }
}

/** Executes one notebook; its cells run with the notebook's folder as working directory. */
export async function executeNotebook(path: string, outDir: string): Promise<NotebookResult> {
  const t0 = performance.now();
  const r = await new Deno.Command("jupyter", {
    args: [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      "--ExecutePreprocessor.timeout=900",
      // After a cell's reply, outputs still in flight are waited for this long (default 4 s,
      // which a loaded machine exceeds for a large chart: the output was silently dropped);
      // past it the execution fails loudly instead of losing the output.
      "--ExecutePreprocessor.iopub_timeout=60",
      "--ExecutePreprocessor.raise_on_iopub_timeout=True",
      "--ExecutePreprocessor.kernel_name=deno",
      "--output-dir",
      outDir,
      path,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - t0) / 1000;
  const name = path.split("/").pop()!;
  if (r.success) return { notebook: path, ok: true, seconds, output: join(outDir, name) };
  const err = new TextDecoder().decode(r.stderr).trim().split("\n").slice(-25).join("\n");
  return { notebook: path, ok: false, seconds, error: err };
}

/** Every `.ipynb` in `dir`, sorted. */
export async function listNotebooks(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".ipynb")) out.push(join(dir, e.name));
  }
  return out.sort();
}

/** `--help` of `deno task notebooks`. */
export const NOTEBOOKS_HELP: string = `deno task notebooks [--version]

  --version   the toolkit's version line
  --help      this text

Executes every notebook of notebooks/ headlessly on the Deno kernel
(jupyter nbconvert --to notebook --execute) into a temporary folder; the committed
notebooks stay clean. Exits with code 1 when any notebook fails, 2 without jupyter.`;

/**
 * The command: checks `argv` (only `--help` and `--version`), then executes every notebook.
 *
 * @param argv The arguments after the command's name.
 * @param dir The notebooks' folder. @default {the repository's notebooks/}
 * @returns 0 when every notebook ran, 1 when one failed, 2 for a bad argument or no jupyter.
 */
export async function notebooksMain(
  argv: string[],
  dir: string = new URL("../../notebooks", import.meta.url).pathname,
): Promise<number> {
  let values;
  try {
    if (await printVersionIfAsked(argv)) return EXIT_OK;
    ({ values } = parseFlags(argv, { help: COMMON_FLAGS.help, version: COMMON_FLAGS.version }));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`error: ${e.message}`);
    return EXIT_USAGE;
  }
  if (values.help) {
    console.log(NOTEBOOKS_HELP);
    return EXIT_OK;
  }
  if (!(await hasJupyter())) {
    console.error(
      "error: jupyter nbconvert not found: apt-get install -y jupyter-nbconvert jupyter-client; deno jupyter --install",
    );
    return EXIT_USAGE;
  }
  const out = await Deno.makeTempDir({ prefix: "lab-notebooks-" });
  let failed = 0;
  for (const nb of await listNotebooks(dir)) {
    const r = await executeNotebook(nb, out);
    console.log(
      `${r.ok ? "ok  " : "FAIL"} ${nb} (${r.seconds.toFixed(1)}s)${r.ok ? ` -> ${r.output}` : ""}`,
    );
    if (!r.ok) {
      failed++;
      console.error(r.error);
    }
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}

if (import.meta.main) Deno.exit(await notebooksMain(Deno.args));
