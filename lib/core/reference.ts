/**
 * Where the reference data (the original authors' recorded runs and tables) is found:
 * `LAB_REFERENCE_DIR` when set, then the project's `data/reference/` (where
 * `deno task fetch-reference` stores it), then `../shared/reference/` beside the project.
 * Every command, test, notebook and benchmark that reads reference data asks here, and
 * says how to get it when it is missing.
 *
 * @example
 * ```ts
 * import { findReference } from "./reference.ts";
 * const csv = findReference("delegation/paper_results_summary.csv");
 * console.log(csv ?? "absent: run deno task fetch-reference");
 * ```
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The environment variable naming a folder of reference data (looked in first). */
export const REFERENCE_ENV = "LAB_REFERENCE_DIR";

/** How to get the reference data, for messages about it being absent. */
export const REFERENCE_HINT: string =
  "get it with `deno task fetch-reference` (or point LAB_REFERENCE_DIR at a copy)";

/**
 * The project's root folder: two levels above this file when it is a local file, else the
 * working directory (the toolkit imported from a URL).
 */
function projectRoot(): string {
  const here = new URL("../../", import.meta.url);
  return here.protocol === "file:" ? fileURLToPath(here) : Deno.cwd();
}

function envDir(): string | undefined {
  try {
    return Deno.env.get(REFERENCE_ENV) || undefined;
  } catch {
    return undefined; // no --allow-env: as if unset
  }
}

/**
 * The folders searched for reference data, in order.
 *
 * @returns `LAB_REFERENCE_DIR` (when set), `<project>/data/reference`,
 * `<project>/../shared/reference`.
 *
 * @example
 * ```ts
 * import { referenceDirs } from "./reference.ts";
 * console.log(referenceDirs().length >= 2); // true
 * ```
 */
export function referenceDirs(): string[] {
  const root = projectRoot();
  const env = envDir();
  return [
    ...(env ? [env] : []),
    join(root, "data", "reference"),
    join(root, "..", "shared", "reference"),
  ];
}

/**
 * Where `fetch-reference` stores the data: `LAB_REFERENCE_DIR` when set, else the
 * project's `data/reference`.
 *
 * @returns The folder.
 *
 * @example
 * ```ts
 * import { defaultReferenceDir } from "./reference.ts";
 * console.log(defaultReferenceDir());
 * ```
 */
export function defaultReferenceDir(): string {
  return envDir() ?? join(projectRoot(), "data", "reference");
}

/**
 * The first reference folder holding `path`, joined with it; `null` when none has it.
 *
 * @param path A path inside the reference data, e.g. `"delegation"` or
 * `"blockchain/rq2_result.json"`.
 * @returns The full path, or `null`.
 *
 * @example
 * ```ts
 * import { findReference } from "./reference.ts";
 * console.log(findReference("no/such/file")); // null
 * ```
 */
export function findReference(path: string): string | null {
  for (const dir of referenceDirs()) {
    const full = join(dir, path);
    try {
      Deno.statSync(full);
      return full;
    } catch {
      // not here (or not readable): the next folder
    }
  }
  return null;
}

/**
 * The message for absent reference data: what is missing, where it was looked for and how
 * to get it.
 *
 * @param path The path inside the reference data.
 * @returns One line.
 *
 * @example
 * ```ts
 * import { missingReference } from "./reference.ts";
 * console.log(missingReference("delegation"));
 * ```
 */
export function missingReference(path: string): string {
  return `reference data '${path}' not found in ${referenceDirs().join(", ")}: ${REFERENCE_HINT}`;
}

/**
 * The path of `path` in the reference data, or an error saying how to get it.
 *
 * @param path The path inside the reference data.
 * @returns The full path.
 * @throws {Deno.errors.NotFound} When no reference folder has it (the message says how to
 * get it).
 *
 * @example
 * ```ts ignore
 * import { requireReference } from "./reference.ts";
 * const dir = requireReference("delegation");
 * ```
 */
export function requireReference(path: string): string {
  const found = findReference(path);
  if (found === null) throw new Deno.errors.NotFound(missingReference(path));
  return found;
}
