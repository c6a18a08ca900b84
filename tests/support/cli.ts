/**
 * Test helpers: run the CLI in-process with captured output, and list the files of a tree.
 *
 * @module
 */
import { join } from "node:path";
import { main } from "../../lib/cli/main.ts";

/** Runs `main(argv)` capturing stdout and stderr lines. */
export async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    const code = await main(argv);
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
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A deterministic IPD player script for the local servers: cooperates unless betrayed. */
export function ipdReply(body: Record<string, unknown>): string {
  const text = JSON.stringify(body.messages ?? "");
  const betrayed = /opponent D/.test(text);
  return `Thinking... {"thought": "${
    betrayed ? "They defected." : "Keep cooperating."
  }", "action": "${betrayed ? "D" : "C"}"}`;
}
