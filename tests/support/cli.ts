/**
 * Test helpers: run the CLI in-process with captured output, and list the files of a tree.
 *
 * @module
 */
import { join } from "node:path";
import { main } from "../../lib/cli/main.ts";
import { COMMANDS } from "../../lib/cli/commands.ts";

const SCRATCH_REPORTS = await Deno.makeTempDir({ prefix: "lab-test-reports-" });

/**
 * Runs `main(argv)` capturing stdout and stderr lines. Reports go to a temporary folder
 * unless the test names `--reports` or `--no-report`: tests never write into `reports/`.
 */
export async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const command = argv.length > 0 && Object.hasOwn(COMMANDS, argv[0]);
  const named = argv.some((a) =>
    a === "--reports" || a.startsWith("--reports=") || a === "--no-report"
  );
  if (!command && !named && !argv.includes("--help") && !argv.includes("-h")) {
    argv = [...argv, "--reports", SCRATCH_REPORTS];
  }
  return await captureConsole(() => main(argv));
}

/** Runs a CLI entry (returning its exit code) capturing stdout and stderr lines. */
export async function captureConsole(
  run: () => Promise<number>,
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    const code = await run();
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** Every file below `dir` (recursively). */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory) out.push(...await listFiles(p));
      else out.push(p);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out;
}

/** `true` when `path` exists. */
export { exists } from "../../lib/core/run_dir.ts";

/** A deterministic IPD player script for the local servers: cooperates unless betrayed. */
export function ipdReply(body: Record<string, unknown>): string {
  const text = JSON.stringify(body.messages ?? "");
  const betrayed = /opponent D/.test(text);
  return `Thinking... {"thought": "${
    betrayed ? "They defected." : "Keep cooperating."
  }", "action": "${betrayed ? "D" : "C"}"}`;
}
