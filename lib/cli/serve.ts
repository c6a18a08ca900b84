/**
 * `deno task serve [experiment]`: an experiment's HTTP API and live page on a run session.
 * An experiment can be served when it declares `serve` (see {@linkcode Experiment.serve}); it
 * is found in the registry (default: the first servable one, society). Naming one that cannot
 * be served is one line, exit 2.
 *
 * ```
 * deno task serve [experiment] [--port N] [--host H] [--config F|JSON] [--agents F]
 *                 [--seed N] [--out DIR] [--lang en|zh] [--reports DIR | --no-report]
 * ```
 *
 * `--out DIR` is where run directories go (default `data/runs`): every reset starts a new
 * one. A bad flag is one line naming it, exit 2. Ctrl-C stops the server and closes the
 * run (an unfinished run stays resumable with `deno task run --resume DIR`).
 *
 * @module
 */
import { ConfigError } from "../core/config.ts";
import { withFlag } from "../core/flags.ts";
import type { Experiment } from "../run/experiment.ts";
import {
  COMMON_FLAGS,
  type FlagSpec,
  MAX_SEED,
  parseFlags,
  parseInteger,
  parseLang,
  parseReports,
  printVersionIfAsked,
  readConfigFlag,
} from "./common_flags.ts";
import { commandFailed } from "./errors.ts";
import { EXPERIMENT_ENTRIES } from "./manifest.ts";

/** The servable experiments' names, in registry order (from the manifest: nothing loads). */
const SERVABLE = EXPERIMENT_ENTRIES.filter((e) => e.servable).map((e) => e.name);

/**
 * The experiment `deno task serve` serves when none is named: the first servable one. The
 * name is checked against the manifest first, so a bad one loads no engine.
 */
async function servable(
  name: string | undefined,
): Promise<Experiment & Required<Pick<Experiment, "serve">>> {
  const can = SERVABLE;
  const pick = name ?? can[0];
  const entry = EXPERIMENT_ENTRIES.find((e) => e.name === pick);
  if (!entry) {
    throw new ConfigError(
      `experiment '${pick}' is unknown; servable: ${can.join(", ") || "none"}`,
    );
  }
  if (!entry.servable) {
    throw new ConfigError(
      `experiment '${entry.name}' cannot be served; servable: ${can.join(", ") || "none"}`,
    );
  }
  const { findExperiment } = await import("./registry.ts");
  const e = findExperiment(entry.name);
  if (!e || typeof e.serve !== "function") {
    throw new Error(`experiment '${entry.name}': the manifest and the registry disagree`);
  }
  return e as Experiment & Required<Pick<Experiment, "serve">>;
}

/** The `--help` text (with the servable experiments). */
function help(): string {
  const can = SERVABLE;
  return `deno task serve [experiment] [flags]: an experiment's HTTP API and live page

Servable experiments: ${can.join(", ") || "none"} (default ${can[0] ?? "none"}).

  --port N        port (default 8000; 0 picks a free one)
  --host H        address to listen on (default 127.0.0.1)
  --config F|JSON config: a JSON file, or a JSON object inline (e.g. '{"days": 30}')
  --agents F      agents file: the seats in order, LLMs and policies mixed
  --seed N        run seed (default 0)
  --out DIR       where run directories go (default data/runs); each reset makes a new one
  --lang en|zh    prompt language of LLM seats (default en)
  --reports DIR   where reports go (default reports); --no-report to skip them
  --version       the toolkit's version

Society routes: POST /run_next_emergent, GET /ai_emergent/{name}, GET /current_state,
POST /reset (optional config body), GET / (the live page).`;
}

const OPTIONS = {
  config: COMMON_FLAGS.config,
  out: COMMON_FLAGS.out,
  reports: COMMON_FLAGS.reports,
  "no-report": COMMON_FLAGS["no-report"],
  lang: COMMON_FLAGS.lang,
  help: COMMON_FLAGS.help,
  version: COMMON_FLAGS.version,
  port: { type: "string" },
  host: { type: "string" },
  agents: { type: "string" },
  seed: { type: "string" },
} as const satisfies Record<string, FlagSpec>;

/** Runs the server until SIGINT; returns the exit code. */
export async function serve(argv: string[]): Promise<number> {
  try {
    if (await printVersionIfAsked(argv)) return 0;
    const { values: v, positionals } = parseFlags(argv, OPTIONS, true);
    const str = (flag: string) => v[flag] as string | undefined;
    if (v.help) {
      console.log(help());
      return 0;
    }
    if (positionals.length > 1) {
      throw new ConfigError(`${positionals[1]}: unexpected argument (serve one experiment)`);
    }
    const experiment = await servable(positionals[0]);
    const [{ loadAgentsFile }, { writeRunReport }] = await Promise.all([
      import("../llm/agents_file.ts"),
      import("./report.ts"),
    ]);
    const agents = v.agents
      ? (await withFlag("--agents", () => loadAgentsFile(str("agents")!))).agents
      : null;
    const server = await experiment.serve({
      request: {
        config: await readConfigFlag(str("config"), `${experiment.name} parameters`),
        seed: parseInteger("seed", str("seed"), 0, MAX_SEED) ?? 0,
        lang: parseLang(str("lang")),
        agents,
        runsRoot: str("out"),
        reportsRoot: parseReports(v),
        writeReport: writeRunReport,
        argv: ["deno", "task", "serve", ...argv],
      },
      hostname: str("host") ?? "127.0.0.1",
      port: parseInteger("port", str("port"), 0, 65535) ?? 8000,
    });
    console.log(`${experiment.name}: ${server.url}/ (run ${server.session.dir}); Ctrl-C to stop`);
    const stopped = Promise.withResolvers<void>();
    const onSignal = () => stopped.resolve();
    Deno.addSignalListener("SIGINT", onSignal);
    await stopped.promise;
    Deno.removeSignalListener("SIGINT", onSignal);
    await server.shutdown();
    console.log(`stopped; last run: ${server.session.dir}`);
    return 0;
  } catch (e) {
    return commandFailed(e);
  }
}

if (import.meta.main) Deno.exit(await serve(Deno.args));
