/**
 * The society HTTP API (SPEC section 2) on a run session: every day is played by
 * `session.step()` and logged to the run directory exactly like `deno task run society`;
 * after the last day `session.finish()` writes `summary.json` and the report (with the
 * request's `writeReport`, else the society report rendered by `writeDocument`). The server
 * collects the run's history, one point per day (`history.ts`), for the live page's charts.
 *
 * | route | answer |
 * |---|---|
 * | `POST /run_next_emergent` | the day just played ({@linkcode DayView}, with the seed's `seed_allocation_method`); 409 while a day runs or after the end (with `reason`) |
 * | `GET /ai_emergent/{name}` | one AI; 404 for an unknown name |
 * | `GET /current_state` | the whole public state ({@linkcode StateView}), with the `rules` in play (proposal types and pass rules: v2 has only `resource_allocation`) and the day-by-day `history` |
 * | `POST /reset` | a new run directory; the optional body is a society config (as in `--config`, e.g. `{"variant": "v2"}`) plus an optional `seed`; 400 naming the field; 409 while a day runs |
 * | `GET /` | the live page; `GET /dashboard.js` its script |
 *
 * Errors are JSON `{"error": "..."}`: 404 unknown path, 405 wrong method (with `Allow`),
 * 400 malformed body or config, 413 body over {@linkcode MAX_BODY_BYTES}, 409 conflict. Every
 * request's body is read whole (and size-limited) before the server looks at its state, so
 * a slowly sent `POST /reset` is judged when it has arrived: a day started meanwhile makes
 * it 409, never a session closed under a running day. Days never run concurrently: the
 * session refuses a second step while one is in flight (`SessionBusyError` becomes 409).
 *
 * @example
 * ```ts ignore
 * import { startSocietyServer } from "./server.ts";
 * const server = await startSocietyServer({ request: { config: { days: 5 }, seed: 0 }, port: 8000 });
 * // curl -X POST http://127.0.0.1:8000/run_next_emergent
 * await server.shutdown();
 * ```
 * @module
 */
import { ConfigError } from "../../core/config.ts";
import type { ReportDocument } from "../../core/document.ts";
import { writeDocument } from "../../reports/render_document.ts";
import { BudgetExceededError } from "../../llm/budget.ts";
import type { SharedLimits } from "../../llm/factory.ts";
import { openRun, type RunRequest } from "../../run/open.ts";
import {
  RunOverError,
  type RunResult,
  type RunSession,
  SessionBusyError,
} from "../../run/session.ts";
import { DASHBOARD_JS, DASHBOARD_SCRIPT_PATH, dashboardHtml } from "./dashboard.ts";
import { societyRunExperiment } from "./build.ts";
import { type DayPoint, dayPoint } from "./history.ts";
import { societyReport } from "./report.ts";
import { aiView, dayView, societyEngineOf, stateView } from "./views.ts";

/** The largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 1_000_000;

/** Options of {@linkcode startSocietyServer}. */
export interface SocietyServerOptions {
  /** The run to open (the society experiment is implied); `config` is the starting config. */
  request: Omit<RunRequest, "experiment">;
  /** The interface to listen on. @default {"127.0.0.1"} */
  hostname?: string;
  /** 0 picks a free port. @default {8000} */
  port?: number;
  /** Rate limits shared by the LLM citizens of every run of this server. */
  limits?: SharedLimits;
  /** Called once listening. */
  onListen?(url: string): void;
}

/** A running society server. */
export interface SocietyServer {
  /** e.g. `http://127.0.0.1:8000`. */
  readonly url: string;
  /** The current run session. */
  readonly session: RunSession;
  /** The result of the current run once it has finished. */
  readonly result: RunResult | null;
  /** Stops listening and closes the session (left resumable when unfinished). */
  shutdown(): Promise<void>;
}

/** A JSON response. */
function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

const error = (status: number, message: string, extra: Record<string, unknown> = {}) =>
  json(status, { error: message, ...extra });

/**
 * Writes a finished run's report when the request brings no writer (a server started from
 * code): the society report, rendered by `writeDocument`.
 */
async function writeServedReport(
  runDir: string,
  outDir: string,
  _summary: Record<string, unknown>,
  document?: ReportDocument,
): Promise<string> {
  await Deno.mkdir(outDir, { recursive: true });
  return await writeDocument(outDir, document ?? await societyReport(runDir));
}

/** The routes and the methods they accept. */
const ROUTES: readonly { pattern: RegExp; methods: readonly string[] }[] = [
  { pattern: /^\/run_next_emergent\/?$/, methods: ["POST"] },
  { pattern: /^\/ai_emergent\/[^/]+\/?$/, methods: ["GET"] },
  { pattern: /^\/current_state\/?$/, methods: ["GET"] },
  { pattern: /^\/reset\/?$/, methods: ["POST"] },
  { pattern: /^\/$/, methods: ["GET"] },
  { pattern: /^\/dashboard\.js$/, methods: ["GET"] },
];

/**
 * Reads a whole request body, refusing one over {@linkcode MAX_BODY_BYTES} (413) as soon as
 * its `content-length` or the bytes received so far exceed it.
 */
async function readBodyText(req: Request): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  const tooLarge = () => error(413, `body: larger than ${MAX_BODY_BYTES} bytes`);
  if (declared > MAX_BODY_BYTES) {
    await req.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (e) {
      throw error(400, `body: could not be read: ${(e as Error).message}`);
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw error(400, "body: not valid UTF-8");
  }
}

/** Parses a JSON object body (empty body: `null`); throws a 400 response for a bad one. */
function parseBody(text: string): Record<string, unknown> | null {
  if (text.trim() === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw error(400, `body: not valid JSON: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw error(400, "body: expected a JSON object of config fields");
  }
  return value as Record<string, unknown>;
}

/** The shelter now, as the next point of the session's history. */
function pointOf(session: RunSession): DayPoint {
  const engine = societyEngineOf(session);
  return dayPoint(engine.getState(), engine.agents);
}

/** The society server's state machine: one session at a time, one day at a time. */
class Server {
  #options: SocietyServerOptions;
  session: RunSession;
  result: RunResult | null = null;
  /** The current session's days (day 0 first), collected as they are played. */
  history: DayPoint[];
  #finishing: Promise<void> | null = null;
  #resetting = false;

  constructor(options: SocietyServerOptions, session: RunSession) {
    this.#options = options;
    this.session = session;
    this.history = [pointOf(session)];
  }

  async handle(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    const route = ROUTES.find((r) => r.pattern.test(path));
    if (!route) return error(404, `no such path: ${path}`);
    if (!route.methods.includes(req.method)) {
      return error(
        405,
        `method ${req.method} not allowed on ${path}; use ${route.methods.join(", ")}`,
        {},
      );
    }
    try {
      // The whole body is read (and size-limited) before any look at the state: a slow body
      // must not carry a check made before it arrived past a day started meanwhile.
      const body = await readBodyText(req);
      if (path === "/") {
        return new Response(dashboardHtml(stateView(this.session, this.history)), {
          headers: { "content-type": "text/html; charset=utf-8" },
        });
      }
      if (path === DASHBOARD_SCRIPT_PATH) {
        return new Response(DASHBOARD_JS, {
          headers: { "content-type": "text/javascript; charset=utf-8" },
        });
      }
      if (path.startsWith("/current_state")) {
        return json(200, stateView(this.session, this.history));
      }
      if (path.startsWith("/ai_emergent/")) return this.#ai(path);
      if (path.startsWith("/run_next_emergent")) return await this.#nextDay();
      return await this.#reset(parseBody(body));
    } catch (e) {
      if (e instanceof Response) return e;
      return error(500, (e as Error).message);
    }
  }

  #ai(path: string): Response {
    let name: string;
    try {
      name = decodeURIComponent(path.replace(/^\/ai_emergent\//, "").replace(/\/$/, ""));
    } catch {
      return error(400, "ai_name: not a valid URL-encoded name");
    }
    const view = aiView(this.session, name);
    return view ? json(200, view) : error(404, `no AI named '${name}'`);
  }

  #over(): Response {
    const reason = societyEngineOf(this.session).getState().end_reason;
    return error(409, `the simulation is over (${reason}); POST /reset to start a new run`, {
      reason,
      day: this.session.steps,
    });
  }

  async #nextDay(): Promise<Response> {
    if (this.#resetting) return error(409, "a reset is in progress");
    const session = this.session;
    if (session.done) return this.#over();
    try {
      await session.step();
    } catch (e) {
      if (e instanceof SessionBusyError) return error(409, "a day is already running; try again");
      if (e instanceof RunOverError) return this.#over();
      if (e instanceof BudgetExceededError) {
        return error(409, `the LLM budget is exhausted: ${e.message}`, { reason: "llm_budget" });
      }
      throw e;
    }
    this.history.push(pointOf(session));
    const view = dayView(session);
    if (session.done) {
      this.#finishing = session.finish().then((r) => {
        if (this.session === session) this.result = r;
      });
      await this.#finishing;
      return json(200, { ...view, run_dir: session.dir, report: this.result?.report ?? null });
    }
    return json(200, { ...view, run_dir: session.dir });
  }

  async #reset(body: Record<string, unknown> | null): Promise<Response> {
    // No await between these checks and `#resetting = true` below: a day cannot start in
    // between (`#nextDay` refuses while resetting).
    if (this.#resetting) return error(409, "a reset is already in progress");
    if (this.session.busy) return error(409, "a day is running; reset after it");
    let seed = this.#options.request.seed;
    let config = this.#options.request.config;
    if (body) {
      const { seed: s, ...rest } = body;
      if (s !== undefined) {
        if (typeof s !== "number" || !Number.isSafeInteger(s) || s < 0) {
          return error(400, `seed: expected an integer >= 0, got ${JSON.stringify(s)}`);
        }
        seed = s;
      }
      config = rest;
    }
    this.#resetting = true;
    try {
      await this.#finishing;
      let next: RunSession;
      try {
        next = await openRun(
          { ...this.#options.request, experiment: societyRunExperiment, config, seed },
          this.#options.limits,
        );
      } catch (e) {
        if (e instanceof ConfigError) return error(400, e.message);
        throw e;
      }
      const old = this.session;
      this.session = next;
      this.history = [pointOf(next)];
      this.result = null;
      this.#finishing = null;
      old.close();
      return json(200, { reset: true, run_id: next.id, run_dir: next.dir, seed, day: 0 });
    } finally {
      this.#resetting = false;
    }
  }
}

/**
 * Opens a society run and serves it.
 *
 * @param options The run to open, where to listen.
 * @returns The running server.
 * @throws {ConfigError} For a bad config, agents file or flag (nothing is created).
 */
export async function startSocietyServer(
  serverOptions: SocietyServerOptions,
): Promise<SocietyServer> {
  const { hostname = "127.0.0.1", port = 8000, request } = serverOptions;
  const options = {
    ...serverOptions,
    request: { ...request, writeReport: request.writeReport ?? writeServedReport },
  };
  const session = await openRun(
    { ...options.request, experiment: societyRunExperiment },
    options.limits,
  );
  const server = new Server(options, session);
  let httpServer: Deno.HttpServer<Deno.NetAddr>;
  try {
    httpServer = Deno.serve(
      { hostname, port, onListen: () => {} },
      (req) => server.handle(req),
    );
  } catch (e) {
    session.close();
    if (e instanceof Deno.errors.AddrInUse) {
      throw new ConfigError(`--port: ${hostname}:${port} is already in use`);
    }
    throw e;
  }
  const addr = httpServer.addr;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  const url = `http://${host}:${addr.port}`;
  options.onListen?.(url);
  return {
    url,
    get session() {
      return server.session;
    },
    get result() {
      return server.result;
    },
    async shutdown() {
      await httpServer.shutdown();
      server.session.close();
    },
  };
}
