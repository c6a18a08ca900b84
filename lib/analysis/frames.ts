/**
 * Run directories as Polars DataFrames: one row per decision, LLM call or event, for one
 * run or many at once (a sweep). Every line is validated (decisions with the engine's own
 * row schema when given), and every frame carries `run`, `experiment` and `seed` so runs can
 * be grouped and compared. Nothing here knows an engine: engines type their own columns.
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
import {
  type DecisionRecord,
  DecisionRecordSchema,
  EventRecordSchema,
  LlmCallRecordSchema,
  type Schema,
  type ZodSchema,
} from "../core/records.ts";
import { readJsonl } from "../core/run_log.ts";

/**
 * A nodejs-polars `DataFrame`: what the loaders return
 * (see <https://pola-rs.github.io/nodejs-polars/>).
 */
export type DataFrame = pl.DataFrame;

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

/** Options of {@linkcode loadDecisions}. */
export interface DecisionLoadOptions extends LoadOptions {
  /**
   * The experiment's decision-row schema (`Experiment.decisionSchema`): every line is
   * validated with it and its fields become typed columns. Without it, the shared record is
   * validated and the engine's columns are inferred from the values.
   */
  schema?: ZodSchema;
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

/** A column type of the frames: text, 64-bit float, 32- or 64-bit integer, boolean. */
export type ColumnType = "str" | "f64" | "i32" | "i64" | "bool";

/** A Polars series. */
export type Series = pl.Series;
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

/** The columns every decision frame has, after the run columns. */
const DECISION_COLUMNS: ColumnSpec[] = [
  ...RUN_COLUMNS,
  ["round", "i32"],
  ["agent", "str"],
  ["kind", "str"],
  ["model", "str"],
  ["llm", "bool"],
  ["action", "str"],
  ["reward", "f64"],
  ["parse_ok", "bool"],
  ["fallback", "bool"],
  ["repaired", "bool"],
];

const SHARED_DECISION_FIELDS = new Set(["v", ...DECISION_COLUMNS.map(([name]) => name)]);

/** The Polars type of a zod field: numbers f64, booleans bool, anything else text. */
function columnTypeOf(field: z.ZodType): ColumnType {
  // deno-lint-ignore no-explicit-any
  let def = (field as any)._zod?.def;
  while (def && ["optional", "nullable", "default", "prefault", "readonly"].includes(def.type)) {
    def = def.innerType?._zod?.def;
  }
  if (def?.type === "number") return "f64";
  if (def?.type === "boolean") return "bool";
  return "str";
}

/** The type of a column inferred from its values (numbers f64, booleans bool, else text). */
function inferType(values: unknown[]): ColumnType {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.length && present.every((v) => typeof v === "number")) return "f64";
  if (present.length && present.every((v) => typeof v === "boolean")) return "bool";
  return "str";
}

/** An engine's own decision columns: from its schema, else inferred from the rows. */
function engineColumns(
  schema: z.ZodType | undefined,
  rows: readonly Record<string, unknown>[],
): ColumnSpec[] {
  // deno-lint-ignore no-explicit-any
  const shape = (schema as any)?.shape as Record<string, z.ZodType> | undefined;
  if (shape) {
    return Object.entries(shape).filter(([k]) => !SHARED_DECISION_FIELDS.has(k))
      .map(([k, f]) => [k, columnTypeOf(f)] as const);
  }
  const keys = new Set<string>();
  for (const r of rows) for (const k in r) if (!SHARED_DECISION_FIELDS.has(k)) keys.add(k);
  return [...keys].map((k) => [k, inferType(rows.map((r) => r[k]))] as const);
}

/** Text for a `str` column: strings as they are, anything else as JSON. */
function textOf(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  return typeof v === "string" ? v : JSON.stringify(v);
}

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
  ["priced", "bool"],
  ["parse_ok", "bool"],
  ["attempts", "i32"],
  ["from_cache", "bool"],
  ["prompt", "str"],
  ["raw", "str"],
  ["error", "str"],
  ["failed", "bool"],
  ["attempt_log", "str"],
];

const EVENT_COLUMNS: ColumnSpec[] = [
  ...RUN_COLUMNS,
  ["round", "i32"],
  ["type", "str"],
  ["agent", "str"],
  ["data", "str"],
];

/**
 * A typed Polars series whose missing values stay null. (nodejs-polars turns `null` into 0
 * when a series is built as `Int32` directly; built as `Float64` and cast, nulls survive.)
 *
 * @param name The column name.
 * @param values The values; `null` or `undefined` for missing ones.
 * @param type The column type: `str`, `f64`, `i32`, `i64` or `bool`.
 * @returns The series.
 */
export function typedSeries(name: string, values: readonly unknown[], type: ColumnType): Series {
  const cells = values.map((v) => v ?? null);
  if (type === "i32") return pl.Series(name, cells, pl.Float64).cast(pl.Int32);
  return pl.Series(name, cells, DTYPES[type]);
}

/** Builds a typed frame from row objects; missing values become null. */
function frameOf(columns: readonly ColumnSpec[], rows: readonly Record<string, unknown>[]) {
  return pl.DataFrame(
    columns.map(([name, type]) =>
      typedSeries(name, rows.map((r) => type === "str" ? textOf(r[name]) : r[name]), type)
    ),
  );
}

/** Adds the requested config keys of each run as columns. */
function withConfigColumns(
  df: DataFrame,
  runs: readonly RunDir[],
  rowRuns: readonly string[],
  keys: readonly string[],
): DataFrame {
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
  schema: Schema<T>;
  /** The frame's columns, the run columns first (or computed from the rows). */
  columns: readonly ColumnSpec[] | ((rows: readonly Record<string, unknown>[]) => ColumnSpec[]);
  /** Given a run, turns its records into rows (the run columns are added after). */
  rowOf: (run: RunDir) => (record: T) => Record<string, unknown>;
}

/** Reads one log of every run into a typed frame, with the requested config columns. */
async function loadFrame<T>(
  dirs: string | readonly string[],
  options: LoadOptions,
  log: LogFrame<T>,
): Promise<DataFrame> {
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
  const columns = typeof log.columns === "function" ? log.columns(rows) : log.columns;
  const df = frameOf(columns, rows);
  return withConfigColumns(df, runs, rows.map((r) => r.run as string), config);
}

const str = (v: unknown): string | null => typeof v === "string" ? v : null;

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
 * | `reward` | f64 | reward this step |
 * | `parse_ok` | bool | the agent's reply was usable |
 * | `fallback` | bool | the engine's fallback was played in its place |
 * | `repaired` | bool? | the reply parsed only after a repair that changed values |
 * | the engine's fields | f64/bool/str | typed from {@linkcode DecisionLoadOptions.schema} (numbers f64, booleans bool, anything else as text, JSON for objects), else inferred |
 * | config keys | f64/bool/str | one per {@linkcode LoadOptions.config} key |
 *
 * @param dirs One run directory or many.
 * @param options The engine's row schema, extra config columns, torn-tail tolerance.
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
  options: DecisionLoadOptions = {},
): Promise<DataFrame> {
  const { schema } = options;
  return loadFrame(dirs, options, {
    file: "decisions.jsonl",
    schema: (schema ?? DecisionRecordSchema) as z.ZodType<DecisionRecord>,
    columns: (rows) => [...DECISION_COLUMNS, ...engineColumns(schema, rows)],
    rowOf: (r) => {
      const seats = seatsOf(r.head);
      return (rec) => {
        const seat = seats.get(rec.agent);
        const kind = str(rec.kind) ?? seat?.kind ?? null;
        const model = str(rec.model) ?? seat?.model ?? null;
        return {
          ...rec,
          kind,
          model,
          llm: kind !== null ? !/^(policy|strategy)/.test(kind) : model !== null,
          action: JSON.stringify(rec.action ?? null),
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
 * | `priced` | bool? | the model has a price (an unpriced model's cost is unknown, not 0) |
 * | `prompt` | str? | the request's last user message |
 * | `raw` | str? | the reply's text |
 * | `failed` | bool? | the call failed after every retry (no reply, no tokens) |
 * | `attempt_log` | str? | every HTTP attempt's outcome, as JSON text |
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
): Promise<DataFrame> {
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
): Promise<DataFrame> {
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
