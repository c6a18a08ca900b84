/**
 * Provenance of a run, saved in `config.json` and shown in reports: the toolkit's version
 * and git commit (when run from a checkout), Deno, V8 and TypeScript versions, the pinned
 * versions of the SDKs and libraries, a hash of each prompt template, and the command line
 * (secrets redacted).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { redactSecrets } from "../core/redact.ts";
import { canonicalJson, sha256Hex } from "../llm/canonical.ts";
import denoJson from "../../deno.json" with { type: "json" };

/** What {@linkcode provenance} records. */
export interface Provenance {
  /** The toolkit's version (`deno.json`'s `version`). */
  toolkit: string;
  /** The git commit of the toolkit, `null` without git (or without `--allow-run`). */
  commit: string | null;
  /** `true` when tracked files had uncommitted changes; `null` when unknown. */
  dirty: boolean | null;
  /** The Deno version. */
  deno: string;
  /** The V8 version. */
  v8: string;
  /** The TypeScript version of Deno. */
  typescript: string;
  /** The pinned npm packages, name to version (see {@linkcode packageVersions}). */
  packages: Record<string, string>;
  /** Short hashes of the prompts (each LLM seat's system prompt), by name. */
  prompts: Record<string, string>;
  /** The command line, secrets redacted; `null` when not given. */
  command: string[] | null;
}

let gitCache: Promise<{ commit: string | null; dirty: boolean | null }> | null = null;

async function git(): Promise<{ commit: string | null; dirty: boolean | null }> {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const run = async (args: string[]) => {
    const out = await new Deno.Command("git", { args, cwd: root, stdout: "piped", stderr: "null" })
      .output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  };
  try {
    const commit = await run(["rev-parse", "HEAD"]);
    if (!commit) return { commit: null, dirty: null };
    const status = await run(["status", "--porcelain", "--untracked-files=no"]);
    return { commit, dirty: status === null ? null : status.length > 0 };
  } catch {
    return { commit: null, dirty: null }; // no git, or no --allow-run
  }
}

/** The pinned npm packages of `deno.json`, e.g. `{ openai: "6.9.1" }`. */
export function packageVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(denoJson.imports as Record<string, string>)) {
    const m = /^npm:(@?[^@]+)@(.+)$/.exec(spec);
    if (m) out[name] = m[2];
  }
  return out;
}

/** Short hashes of prompt templates, by name. */
export async function promptHashes(
  templates: Record<string, string> = {},
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(templates).sort(([a], [b]) => a.localeCompare(b))) {
    out[k] = (await sha256Hex(canonicalJson(v))).slice(0, 16);
  }
  return out;
}

/** Collects the provenance of a run started now. */
export async function provenance(
  options: { argv?: string[]; prompts?: Record<string, string>; agents?: unknown } = {},
): Promise<Provenance> {
  gitCache ??= git();
  const { commit, dirty } = await gitCache;
  return {
    toolkit: (denoJson as { version?: string }).version ?? "0.0.0",
    commit,
    dirty,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    packages: packageVersions(),
    prompts: await promptHashes(options.prompts),
    command: options.argv ? options.argv.map((a) => redactSecrets(a)) : null,
  };
}
