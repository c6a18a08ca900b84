/**
 * `deno task fetch-reference [--base-url URL] [--out DIR] [--force] [--version]`: downloads the
 * delegation reference data (the ten models' per-task records, the task order and the
 * paper's strategy table) from the authors' artifact repository at a pinned commit, checks
 * every file's SHA-256 against the manifest below, and stores it under `data/reference/`
 * (or `LAB_REFERENCE_DIR`, or `--out`). Files already there with the right sum are kept.
 * A sum that does not match prints one line naming the file and exits with code 2, and
 * nothing of that file is written.
 *
 * The blockchain reference run (`blockchain/rq2_result.json`) is not published there: the
 * tests and commands that need it look for it in the same folders and are skipped
 * (counted as ignored) without it.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { ConfigError } from "../core/config.ts";
import { defaultReferenceDir } from "../core/reference.ts";
import type { Command } from "../run/experiment.ts";
import { COMMON_FLAGS, parseFlags, printVersionIfAsked } from "./common_flags.ts";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "./exit_codes.ts";

/** A file of the reference data: where it is in the repository, where it goes, its sum. */
export interface ReferenceFile {
  /** Its path in the authors' repository. */
  path: string;
  /** Its path under the reference folder. */
  dest: string;
  /** Its SHA-256, lowercase hex. */
  sha256: string;
}

/** The pinned source and the files of the reference data, with their SHA-256 sums. */
export interface ReferenceManifest {
  /** The GitHub repository (`owner/name`). */
  repository: string;
  /** The pinned commit (40 hex digits). */
  commit: string;
  /** Every file. */
  files: readonly ReferenceFile[];
}

const MODELS: Record<string, string> = {
  "deepseek-r1": "e28da3bbd81d4b7fdffbd32512cd24d4fb92ecb1ba99cd0cc2616b25333a35bc",
  "deepseek-v3": "f4d724a3b37842940015d35bee1356aa335c3170f2fcc7bd7235016209574a2a",
  "gpt-35-turbo": "4a18cdc5d761d091ace54272b88e460071c1acd36c6db9b2ee8c6f25f48f68f7",
  "gpt-4": "e512d20440d847ae1266d3ae7dafe1549a954db1495e2b5ece49d0c4f44683e1",
  "gpt-4o-mini": "fd7269efdb5fe64894874a9365c2869b77bcff431e3717b5b8f99e1918162c7d",
  "gpt-4o": "2a8d34e863d6e4a6bbcf0e1ef3d96a5c9e2d7f7a97afc8130dbf2f9991d14f9e",
  "o1-mini": "ac9b07af836babdddb912d4dfaa63074b9076fcc090d76da10dc175d965d7f47",
  "o1": "107c8433ab869e3f1730dba8a84c61ae0bfb0966cc58db2dc6953ab7321dccf9",
  "o3-mini": "3bc4b3e9e2293b413bbeeb4db4fddadb7879ce7ee1057a7604149c5b773a2341",
  "qwen-max": "6b04d0063c4351e278945e2bbb13a3b108f5b158a93272d3b0d0d8e563202f43",
};

/**
 * The reference data of "Pay for The Second-Best Service" (Cao et al., arXiv 2511.00847)
 * at the commit the engines were checked against; `simulation_results_summary.csv` is
 * stored as `delegation/paper_results_summary.csv`.
 */
export const REFERENCE_MANIFEST: ReferenceManifest = {
  repository: "teafrogsf/LLMs-Auditing-Econ",
  commit: "4111f92f8e7a2ef180784dbc29be19a9e699f7ed",
  files: [
    ...Object.entries(MODELS).map(([model, sha256]) => ({
      path: `test_result/${model}_test_result.jsonl`,
      dest: `delegation/${model}_test_result.jsonl`,
      sha256,
    })),
    {
      path: "task_ids_shuffled.json",
      dest: "delegation/task_ids_shuffled.json",
      sha256: "c74cc1648aaa4e55bcc3b8d93f65bc68044d1e46b9c99a7b391710abf1afae70",
    },
    {
      path: "simulation_results_summary.csv",
      dest: "delegation/paper_results_summary.csv",
      sha256: "33cad573160105026faac2ba2bbedd69a1cc218dc8782cf3a0aa3a180e765d16",
    },
  ],
};

/** The environment variable overriding the download base URL (as `--base-url`). */
export const BASE_URL_ENV = "LAB_REFERENCE_BASE_URL";

/**
 * The default base URL: the raw files of the repository at the pinned commit.
 *
 * @param manifest The manifest. @default {REFERENCE_MANIFEST}
 * @returns The URL the files' paths are appended to.
 */
export function defaultBaseUrl(manifest: ReferenceManifest = REFERENCE_MANIFEST): string {
  return `https://raw.githubusercontent.com/${manifest.repository}/${manifest.commit}`;
}

/** A file whose SHA-256 is not the manifest's (the CLI exits with code 2). */
export class ChecksumError extends Error {
  /** The error's name, `ChecksumError`. */
  override name = "ChecksumError";
}

/**
 * The SHA-256 of `bytes`, lowercase hex.
 *
 * @param bytes The data.
 * @returns 64 hex digits.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function readIfExists(path: string): Promise<Uint8Array | null> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** Options of {@linkcode fetchReference}. */
export interface FetchReferenceOptions {
  /** Where the files go. @default {defaultReferenceDir()} */
  out?: string;
  /** The base URL the manifest's paths are appended to. @default {defaultBaseUrl()} */
  baseUrl?: string;
  /** Download even the files already present with the right sum. @default {false} */
  force?: boolean;
  /** The manifest. @default {REFERENCE_MANIFEST} */
  manifest?: ReferenceManifest;
  /** Called with one line per file. */
  log?: (line: string) => void;
}

/**
 * Downloads and checks every file of the manifest into `out`; a file is written (through a
 * temporary file and a rename) only after its sum matched.
 *
 * @param options Where from, where to, and whether to fetch present files again.
 * @returns How many files were downloaded and how many were already there.
 * @throws {ChecksumError} When a downloaded file's SHA-256 is not the manifest's.
 * @throws {Error} When a download fails (HTTP status or network).
 */
export async function fetchReference(
  options: FetchReferenceOptions = {},
): Promise<{ downloaded: number; present: number }> {
  const {
    out = defaultReferenceDir(),
    manifest = REFERENCE_MANIFEST,
    baseUrl = defaultBaseUrl(manifest),
    force = false,
    log = () => {},
  } = options;
  let downloaded = 0;
  let present = 0;
  for (const file of manifest.files) {
    const dest = join(out, file.dest);
    const have = force ? null : await readIfExists(dest);
    if (have && (await sha256Hex(have)) === file.sha256) {
      present++;
      log(`ok      ${file.dest} (already there)`);
      continue;
    }
    const url = `${baseUrl.replace(/\/+$/, "")}/${file.path}`;
    const res = await fetch(url);
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`cannot download ${url}: HTTP ${res.status}`);
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    const sum = await sha256Hex(bytes);
    if (sum !== file.sha256) {
      throw new ChecksumError(
        `sha256 mismatch for ${file.path} (from ${url}): expected ${file.sha256}, got ${sum}`,
      );
    }
    await Deno.mkdir(dirname(dest), { recursive: true });
    const tmp = `${dest}.part`;
    await Deno.writeFile(tmp, bytes);
    await Deno.rename(tmp, dest);
    downloaded++;
    log(`fetched ${file.dest} (${bytes.length} bytes, sha256 ok)`);
  }
  return { downloaded, present };
}

/** `--help` of `deno task fetch-reference`. */
export const FETCH_REFERENCE_HELP: string =
  `deno task fetch-reference [--base-url URL] [--out DIR] [--force] [--version]

  --base-url URL   where the repository's files are (default: ${defaultBaseUrl()});
                   also ${BASE_URL_ENV}
  --out DIR        where to store them (default: LAB_REFERENCE_DIR, else data/reference)
  --force          download files already present with the right sum again
  --version        the toolkit's version line
  --help           this text

Downloads the delegation reference data of ${REFERENCE_MANIFEST.repository} at commit
${REFERENCE_MANIFEST.commit}, checks each file's SHA-256 and stores it under the
reference folder. A wrong sum exits with code 2.`;

/**
 * The command: parses `argv`, fetches, prints one line per file; returns the exit code.
 *
 * @param argv The arguments after the command's name.
 * @param manifest The files to fetch (tests give a synthetic one). @default {REFERENCE_MANIFEST}
 * @returns 0 on success, 2 for a bad flag or a wrong sum, 1 for a failed download.
 */
export async function fetchReferenceMain(
  argv: string[],
  manifest: ReferenceManifest = REFERENCE_MANIFEST,
): Promise<number> {
  let values;
  try {
    if (await printVersionIfAsked(argv)) return EXIT_OK;
    ({ values } = parseFlags(argv, {
      "base-url": { type: "string" },
      out: COMMON_FLAGS.out,
      force: { type: "boolean" },
      help: COMMON_FLAGS.help,
      version: COMMON_FLAGS.version,
    }));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`error: ${e.message}`);
    return EXIT_USAGE;
  }
  if (values.help) {
    console.log(FETCH_REFERENCE_HELP);
    return EXIT_OK;
  }
  const out = (values.out as string | undefined) ?? defaultReferenceDir();
  try {
    const r = await fetchReference({
      out,
      baseUrl: (values["base-url"] as string | undefined) ?? Deno.env.get(BASE_URL_ENV) ??
        defaultBaseUrl(manifest),
      manifest,
      force: values.force === true,
      log: (line) => console.log(line),
    });
    console.log(`reference data in ${out}: ${r.downloaded} downloaded, ${r.present} already there`);
    return EXIT_OK;
  } catch (e) {
    console.error(`error: fetch-reference: ${(e as Error).message}`);
    return e instanceof ChecksumError ? EXIT_USAGE : EXIT_FAILED;
  }
}

/** `deno task run fetch-reference`, as a registered command. */
export const fetchReferenceCommand: Command = {
  description: "download the delegation reference data (pinned commit, SHA-256 checked)",
  run: (argv) => fetchReferenceMain(argv),
};

if (import.meta.main) Deno.exit(await fetchReferenceMain(Deno.args));
