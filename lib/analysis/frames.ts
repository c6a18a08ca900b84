/**
 * Run directories as Polars DataFrames: one row per decision, LLM call or event, for one
 * run or many at once (a sweep). Every line is validated with the shared zod schemas, and
 * every frame carries `run`, `experiment` and `seed` so runs can be grouped and compared.
 *
 * Columns have fixed types, so an empty log gives an empty frame with the same columns.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { loadDecisions } from "./frames.ts";
 * const df = await loadDecisions(["data/runs/a", "data/runs/b"]);
 * console.log(df.groupBy("run").agg(pl.col("c").mean()));
 * ```
 * @module
 */
import pl from "nodejs-polars";
import { basename, join, resolve } from "node:path";
import { z } from "zod";
import { parseWith, readJsonFile } from "../core/config.ts";
import { DecisionRecordSchema, EventRecordSchema, LlmCallRecordSchema } from "../core/records.ts";
import { readJsonl } from "../core/run_log.ts";

/** Options of the loaders. */
export interface LoadOptions {
  /**
   * Keys of `config.json`'s `config` to add as columns (numbers as `f64`, booleans as
   * `bool`, anything else as JSON text), e.g. `["kappa", "rounds"]` to compare a sweep.
   * @default {[]}
   */
  config?: string[];
  /** Drop an unparsable last line (a run killed mid-write). @default {false} */
  tolerateTornTail?: boolean;
}

/** What the loaders read from `config.json`: only the fields they need. */
const RunConfigHeadSchema = z.object({
  experiment: z.string(),
  seed: z.number().int(),
  config: z.record(z.string(), z.unknown()).default({}),
  agents: z.array(z.record(z.string(), z.unknown())).nullable().default(null),
});
type RunConfigHead = z.infer<typeof RunConfigHeadSchema>;

/** One run directory with its id and config. */
interface RunDir {
  dir: string;
  run: string;
  head: RunConfigHead;
}

type ColumnType = "str" | "f64" | "i32" | "i64" | "bool";
type ColumnSpec = readonly [name: string, type: ColumnType];

const DTYPES = {
  str: pl.Utf8,
  f64: pl.Float64,
  i32: pl.Int32,
  i64: pl.Int64,
  bool: pl.Bool,
} as const;

/** `run`, `experiment`, `seed`: the columns every frame starts with. */
const RUN_COLUMNS: ColumnSpec[] = [["run", "str"], ["experiment", "str"], ["seed", "i64"]];

const DECISION_COLUMNS: ColumnSpec[] = [
  ...RUN_COLUMNS,
  ["round", "i32"],
  ["agent", "str"],
  ["kind", "str"],
  ["model", "str"],
  ["llm", "bool"],
  ["action", "str"],
  ["c", "f64"],
  ["p", "f64"],
  ["d", "f64"],
  ["reward", "f64"],
  ["cumulative_reward", "f64"],
  ["efficiency", "f64"],
  ["honest_efficiency", "f64"],
  ["label", "str"],
  ["parse_ok", "bool"],
  ["thought", "str"],
];

const CALL_COLUMNS: ColumnSpec[] = [
  ...RUN_COLUMNS,
  ["round", "i32"],
  ["agent", "str"],
  ["purpose", "str"],
  ["model", "str"],
  ["prompt_hash", "str"],
  ["input_tokens", "i64"],
  ["output_tokens", "i64"],
  ["cached_tokens", "i64"],
  ["latency_ms", "f64"],
  ["cost_usd", "f64"],
  ["parse_ok", "bool"],
  ["attempts", "i32"],
  ["from_cache", "bool"],
  ["raw", "str"],
  ["error", "str"],
];

const EVENT_COLUMNS: ColumnSpec[] = [
  ...RUN_COLUMNS,
  ["round", "i32"],
  ["type", "str"],
  ["agent", "str"],
  ["data", "str"],
];

/** Builds a typed frame from row objects; missing values become null. */
function frameOf(columns: readonly ColumnSpec[], rows: readonly Record<string, unknown>[]) {
  return pl.DataFrame(
    columns.map(([name, type]) => pl.Series(name, rows.map((r) => r[name] ?? null), DTYPES[type])),
  );
}

/** Adds the requested config keys of each run as columns. */
function withConfigColumns(
  df: pl.DataFrame,
  runs: readonly RunDir[],
  rowRuns: readonly string[],
  keys: readonly string[],
): pl.DataFrame {
  if (keys.length === 0) return df;
  const byRun = new Map(runs.map((r) => [r.run, r.head.config]));
  const series = keys.map((key) => {
    const values = runs.map((r) => r.head.config[key]);
    const present = values.filter((v) => v !== undefined && v !== null);
    const type: ColumnType = present.length > 0 && present.every((v) => typeof v === "number")
      ? "f64"
      : present.length > 0 && present.every((v) => typeof v === "boolean")
      ? "bool"
      : "str";
    const cell = (run: string) => {
      const v = byRun.get(run)?.[key];
      if (v === undefined || v === null) return null;
      return type === "str" ? (typeof v === "string" ? v : JSON.stringify(v)) : v;
    };
    return pl.Series(key, rowRuns.map(cell), DTYPES[type]);
  });
  return df.withColumns(...series);
}

/** Resolves directories to runs with unique ids (basenames, else the paths as given). */
async function openRuns(dirs: string | readonly string[]): Promise<RunDir[]> {
  const list = typeof dirs === "string" ? [dirs] : [...dirs];
  const names = list.map((d) => basename(resolve(d)));
  const unique = new Set(names).size === names.length;
  return await Promise.all(list.map(async (dir, i) => {
    const path = join(dir, "config.json");
    const head = parseWith(RunConfigHeadSchema, await readJsonFile(path), path);
    return { dir, run: unique ? names[i] : dir, head };
  }));
}

/** Kind and model of each seat from `config.json`'s `agents` (the redacted agents file). */
function seatsOf(head: RunConfigHead): Map<string, { kind: string | null; model: string | null }> {
  const seats = new Map<string, { kind: string | null; model: string | null }>();
  for (const a of head.agents ?? []) {
    if (typeof a.name !== "string") continue;
    const model = typeof a.model === "string" ? a.model : null;
    const kind = a.provider === "policy" && typeof a.policy === "string"
      ? `policy:${a.policy}`
      : typeof a.provider === "string" && model
      ? `${a.provider}:${model}`
      : null;
    seats.set(a.name, { kind, model });
  }
  return seats;
}

/** One log file of a run directory and how its records become rows. */
interface LogFrame<T> {
  /** The file in each run directory, e.g. `decisions.jsonl`. */
  file: string;
  /** Every line's schema. */
  schema: z.ZodType<T>;
  /** The frame's columns, the run columns first. */
  columns: readonly ColumnSpec[];
  /** Given a run, turns its records into rows (the run columns are added after). */
  rowOf: (run: RunDir) => (record: T) => Record<string, unknown>;
}

/** Reads one log of every run into a typed frame, with the requested config columns. */
async function loadFrame<T>(
  dirs: string | readonly string[],
  options: LoadOptions,
  log: LogFrame<T>,
): Promise<pl.DataFrame> {
  const { config = [], tolerateTornTail = false } = options;
  const runs = await openRuns(dirs);
  const rows: Record<string, unknown>[] = [];
  for (const r of runs) {
    const toRow = log.rowOf(r);
    const records = await readJsonl(join(r.dir, log.file), log.schema, { tolerateTornTail });
    for (const rec of records) {
      rows.push({ ...toRow(rec), run: r.run, experiment: r.head.experiment, seed: r.head.seed });
    }
  }
  const df = frameOf(log.columns, rows);
  return withConfigColumns(df, runs, rows.map((r) => r.run as string), config);
}

const str = (v: unknown): string | null => typeof v === "string" ? v : null;
const num = (v: unknown): number | null => typeof v === "number" ? v : null;

/**
 * Loads `decisions.jsonl` of one or many run directories, one row per agent per round.
 *
 * | column | type | meaning |
 * |---|---|---|
 * | `run` | str | run id: the directory's basename (its path as given when basenames clash) |
 * | `experiment` | str | `config.json` `experiment` |
 * | `seed` | i64 | `config.json` `seed` |
 * | `round` | i32 | round, from 1 |
 * | `agent` | str | agent name |
 * | `kind` | str? | what drives the agent (`policy:greedy`, `openai:gpt-4o-mini`): the row's `kind`, else derived from `config.json` `agents` |
 * | `model` | str? | the LLM model: the row's `model`, else from `config.json` `agents` |
 * | `llm` | bool | an LLM agent (or the replay of one): a kind not starting with `policy`; without a kind, a model is set |
 * | `action` | str | the action as JSON text (any engine) |
 * | `c`, `p`, `d` | f64? | the action's entries when it is a 3-vector of numbers, else null |
 * | `reward` | f64 | reward this round |
 * | `cumulative_reward` | f64? | reward summed up to this round |
 * | `efficiency` | f64? | own efficiency after this round's update (blockchain) |
 * | `honest_efficiency` | f64? | honest group's efficiency after this round's update (blockchain) |
 * | `label` | str? | strategy label of this round's action (blockchain) |
 * | `parse_ok` | bool | the agent's reply parsed |
 * | `thought` | str? | the LLM's stated reasoning |
 * | config keys | f64/bool/str | one per {@linkcode LoadOptions.config} key |
 *
 * @param dirs One run directory or many.
 * @param options Extra config columns, torn-tail tolerance.
 * @returns The frame, rows in directory order then file order.
 * @throws {ConfigError} When a `config.json` is missing or malformed.
 * @throws {LogFormatError} When a line is not valid JSON or fails the schema.
 *
 * @example
 * ```ts
 * import { loadDecisions } from "./frames.ts";
 * const df = await loadDecisions("data/runs/blockchain-1", { config: ["kappa"] });
 * console.log(df.columns); // ["run", "experiment", "seed", "round", "agent", ...]
 * ```
 */
export function loadDecisions(
  dirs: string | readonly string[],
  options: LoadOptions = {},
): Promise<pl.DataFrame> {
  return loadFrame(dirs, options, {
    file: "decisions.jsonl",
    schema: DecisionRecordSchema,
    columns: DECISION_COLUMNS,
    rowOf: (r) => {
      const seats = seatsOf(r.head);
      return (rec) => {
        const seat = seats.get(rec.agent);
        const kind = str(rec.kind) ?? seat?.kind ?? null;
        const model = str(rec.model) ?? seat?.model ?? null;
        const a = rec.action;
        const cpd = Array.isArray(a) && a.length === 3 && a.every((x) => typeof x === "number")
          ? a as number[]
          : null;
        return {
          round: rec.round,
          agent: rec.agent,
          kind,
          model,
          llm: kind !== null ? !kind.startsWith("policy") : model !== null,
          action: JSON.stringify(a ?? null),
          c: cpd?.[0],
          p: cpd?.[1],
          d: cpd?.[2],
          reward: rec.reward,
          cumulative_reward: num(rec.cumulative_reward),
          efficiency: num(rec.efficiency),
          honest_efficiency: num(rec.honest_efficiency),
          label: str(rec.label),
          parse_ok: rec.parse_ok,
          thought: str(rec.thought),
        };
      };
    },
  });
}

/**
 * Loads `llm_calls.jsonl` of one or many run directories, one row per LLM call.
 *
 * | column | type | meaning |
 * |---|---|---|
 * | `run`, `experiment`, `seed` | str, str, i64 | as in {@linkcode loadDecisions} |
 * | `round` | i32 | round of the call (0 before the first) |
 * | `agent` | str | calling agent |
 * | `purpose` | str | e.g. `decision`, `reflection` |
 * | `model` | str | model id |
 * | `prompt_hash` | str | hash of the prompt (the cache key) |
 * | `input_tokens`, `output_tokens`, `cached_tokens` | i64 | provider-reported usage |
 * | `latency_ms` | f64 | wall time of the call |
 * | `cost_usd` | f64 | priced cost |
 * | `parse_ok` | bool | the reply parsed |
 * | `attempts` | i32 | attempts made (retries + 1) |
 * | `from_cache` | bool | answered from the replay cache |
 * | `raw` | str? | the raw reply, kept when parsing failed |
 * | `error` | str? | the parse or call error |
 * | config keys | f64/bool/str | one per {@linkcode LoadOptions.config} key |
 *
 * @param dirs One run directory or many.
 * @param options Extra config columns, torn-tail tolerance.
 * @returns The frame; empty (same columns) for policy-only runs.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { loadLlmCalls } from "./frames.ts";
 * const calls = await loadLlmCalls("data/runs/blockchain-1");
 * console.log(calls.groupBy("agent").agg(pl.col("output_tokens").sum()));
 * ```
 */
export function loadLlmCalls(
  dirs: string | readonly string[],
  options: LoadOptions = {},
): Promise<pl.DataFrame> {
  return loadFrame(dirs, options, {
    file: "llm_calls.jsonl",
    schema: LlmCallRecordSchema,
    columns: CALL_COLUMNS,
    rowOf: () => (rec) => rec,
  });
}

/**
 * Loads `events.jsonl` of one or many run directories, one row per engine event.
 *
 * | column | type | meaning |
 * |---|---|---|
 * | `run`, `experiment`, `seed` | str, str, i64 | as in {@linkcode loadDecisions} |
 * | `round` | i32 | round of the event |
 * | `type` | str | event type, e.g. `honest_floor` |
 * | `agent` | str? | the agent concerned, when the event names one |
 * | `data` | str | the event's other fields as JSON text (decode with `JSON.parse`) |
 * | config keys | f64/bool/str | one per {@linkcode LoadOptions.config} key |
 *
 * @param dirs One run directory or many.
 * @param options Extra config columns, torn-tail tolerance.
 * @returns The frame.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { loadEvents } from "./frames.ts";
 * const events = await loadEvents("data/runs/blockchain-1");
 * console.log(events.filter(pl.col("type").eq(pl.lit("honest_floor"))));
 * ```
 */
export function loadEvents(
  dirs: string | readonly string[],
  options: LoadOptions = {},
): Promise<pl.DataFrame> {
  return loadFrame(dirs, options, {
    file: "events.jsonl",
    schema: EventRecordSchema,
    columns: EVENT_COLUMNS,
    rowOf: () => ({ v: _v, round, type, agent, ...data }) => ({
      round,
      type,
      agent: str(agent),
      data: JSON.stringify(data),
    }),
  });
}
