/**
 * `deno task serve`: the society HTTP API and its live page on a run session. The experiment
 * is found through the registry and started with its `serve` (see the society experiment).
 *
 * ```
 * deno task serve [--port N] [--host H] [--config F] [--agents F] [--seed N] [--out DIR]
 *                 [--lang en|zh] [--reports DIR | --no-report]
 * ```
 *
 * `--out DIR` is where run directories go (default `data/runs`): every reset starts a new
 * one. A bad flag is one line naming it, exit 2. Ctrl-C stops the server and closes the
 * run (an unfinished run stays resumable with `deno task run --resume DIR`).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ConfigError, readJsonFile } from "../core/config.ts";
import { redactSecrets } from "../core/redact.ts";
import { loadAgentsFile } from "../llm/agents_file.ts";
import type { AgentSpec } from "../llm/agents_file.ts";
import type { RunSession } from "../run/session.ts";
import { EXIT_USAGE } from "./exit_codes.ts";
import { findExperiment } from "./registry.ts";

/** The experiment `deno task serve` serves. */
const SERVED = "society";

/** What a servable experiment offers (the society experiment's `serve`). */
interface Servable {
  serve(options: {
    request: {
      config: Record<string, unknown>;
      seed: number;
      lang: "en" | "zh";
      agents: AgentSpec[] | null;
      runsRoot?: string;
      reportsRoot: string | null;
      argv: string[];
    };
    hostname: string;
    port: number;
  }): Promise<{ url: string; session: RunSession; shutdown(): Promise<void> }>;
}

function servable(): Servable {
  const e = findExperiment(SERVED) as unknown as Partial<Servable> | undefined;
  if (typeof e?.serve !== "function") throw new Error(`the ${SERVED} experiment cannot be served`);
  return e as Servable;
}

const HELP = `deno task serve [flags]: the society HTTP API and live page

  --port N        port (default 8000; 0 picks a free one)
  --host H        address to listen on (default 127.0.0.1)
  --config F      society config file (JSON object, e.g. {"citizens": 200, "days": 30})
  --agents F      agents file: the citizens in order, LLMs and policies mixed
  --seed N        run seed (default 0)
  --out DIR       where run directories go (default data/runs); each reset makes a new one
  --lang en|zh    prompt language of LLM citizens (default en)
  --reports DIR   where reports go (default reports); --no-report to skip them

Routes: POST /run_next_emergent, GET /ai_emergent/{name}, GET /current_state,
POST /reset (optional config body), GET / (the live page).`;

function intFlag(flag: string, v: string | undefined, min: number, max: number, fallback: number) {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min || n > max) {
    throw new ConfigError(`--${flag}: expected an integer from ${min} to ${max}, got '${v}'`);
  }
  return n;
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        config: { type: "string" },
        agents: { type: "string" },
        seed: { type: "string" },
        out: { type: "string" },
        lang: { type: "string" },
        reports: { type: "string" },
        "no-report": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (e) {
    const msg = (e as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(msg);
    if (unknown) throw new ConfigError(`${unknown[1]}: unknown flag (see --help)`);
    const missing = /Option '(?:-\w, )?(--[^' ]+)[^']*' argument missing/.exec(msg);
    if (missing) throw new ConfigError(`${missing[1]}: needs a value`);
    const ambiguous = /Option '(?:-\w, )?(--[^' ]+)' argument is ambiguous/.exec(msg);
    if (ambiguous) {
      throw new ConfigError(
        `${ambiguous[1]}: the value looks like a flag; write ${ambiguous[1]}=VALUE`,
      );
    }
    const positional = /Unexpected argument '([^']+)'/.exec(msg);
    if (positional) throw new ConfigError(`${positional[1]}: unexpected argument (see --help)`);
    throw new ConfigError(msg.split("\n")[0]);
  }
}

/** Prefixes a file's error with the flag that named it. */
async function withFlag<T>(flag: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof ConfigError && !e.message.startsWith(flag)) {
      throw new ConfigError(`${flag}: ${e.message}`);
    }
    throw e;
  }
}

/** Runs the server until SIGINT; returns the exit code. */
export async function serve(argv: string[]): Promise<number> {
  try {
    const v = parse(argv);
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    const lang = v.lang ?? "en";
    if (lang !== "en" && lang !== "zh") {
      throw new ConfigError(`--lang: expected en or zh, got '${lang}'`);
    }
    let config: Record<string, unknown> = {};
    if (v.config) {
      const value = await withFlag("--config", () => readJsonFile(v.config!));
      if (!value || typeof value !== "object" || Array.isArray(value)) {
        throw new ConfigError(
          `--config: ${v.config}: expected a JSON object of society parameters`,
        );
      }
      config = value as Record<string, unknown>;
    }
    const server = await servable().serve({
      request: {
        config,
        seed: intFlag("seed", v.seed, 0, 0xffffffff, 0),
        lang,
        agents: v.agents
          ? (await withFlag("--agents", () => loadAgentsFile(v.agents!))).agents
          : null,
        runsRoot: v.out,
        reportsRoot: v["no-report"] ? null : (v.reports ?? "reports"),
        argv: ["deno", "task", "serve", ...argv],
      },
      hostname: v.host ?? "127.0.0.1",
      port: intFlag("port", v.port, 0, 65535, 8000),
    });
    console.log(`society: ${server.url}/ (run ${server.session.dir}); Ctrl-C to stop`);
    const stopped = Promise.withResolvers<void>();
    const onSignal = () => stopped.resolve();
    Deno.addSignalListener("SIGINT", onSignal);
    await stopped.promise;
    Deno.removeSignalListener("SIGINT", onSignal);
    await server.shutdown();
    console.log(`stopped; last run: ${server.session.dir}`);
    return 0;
  } catch (e) {
    console.error(`error: ${redactSecrets((e as Error).message)}`);
    return e instanceof ConfigError ? EXIT_USAGE : 1;
  }
}

if (import.meta.main) Deno.exit(await serve(Deno.args));
