/**
 * Task records: what each model scored on each task and how many tokens it used.
 *
 * - Recorded mode reads `<model>_test_result.jsonl` (one JSON object per line:
 *   `{"id", "score", "input_tokens", "output_tokens"}`, the format of the paper's artifacts)
 *   and the optional `task_ids_shuffled.json` from a directory. Records are indexed by line
 *   position, as the original does; step `t` serves task `task_ids[t mod n]`.
 * - Synthetic mode draws records from the model profiles of the SPEC (facts measured on
 *   the 1,000 reference records), deterministic by seed. Distribution: the score is a
 *   three-point mixture, 1 with `P(score=1)`, 0 with `P(score=0)`, otherwise uniform on the
 *   interval centred on `m = (mean - P1) / (1 - P0 - P1)` of half-width
 *   `min(m, 1 - m)`, so the mean score is the profile's; input tokens are uniform on
 *   `[0.9, 1.1]` times the mean, output tokens are Gamma(2) scaled to the mean (a long right
 *   tail, like reasoning models), both rounded and at least 1. The task order is the
 *   identity.
 *
 * Records are typed arrays, not objects, so a million steps cost no allocation.
 *
 * @example
 * ```ts
 * import { syntheticRecords } from "./records.ts";
 * const r = syntheticRecords(["o1", "gpt-4o"], 7, 100);
 * console.log(r.n, r.models.o1.score.length); // 100 100
 * ```
 * @module
 */
import { ConfigError } from "../../core/config.ts";
import { Rng } from "../../core/rng.ts";
import { REFERENCE_HINT } from "../../core/reference.ts";

/** One model's records, indexed by task (line position). */
export interface ModelRecords {
  /** Score of each task, in [0, 1]. */
  score: Float64Array;
  /** Input tokens of each task. */
  input: Float64Array;
  /** Output tokens of each task. */
  output: Float64Array;
}

/** Every model's records plus the serving order. */
export interface TaskRecords {
  /** Tasks per model. */
  n: number;
  /** Records by model name. */
  models: Record<string, ModelRecords>;
  /** Step `t` serves task `taskIds[t mod taskIds.length]`. */
  taskIds: Int32Array;
  /** Where they came from, e.g. the directory or `synthetic:seed=7`. */
  source: string;
}

/** A model profile for synthetic records. */
export interface ModelProfile {
  /** Mean score over tasks, in [0, 1]. */
  meanScore: number;
  /** Share of tasks scored exactly 1. */
  pOne: number;
  /** Share of tasks scored exactly 0. */
  pZero: number;
  /** Mean input tokens per task. */
  meanInput: number;
  /** Mean output tokens per task. */
  meanOutput: number;
}

/** The SPEC's profiles, measured on the 1,000 reference records. */
export const MODEL_PROFILES: Readonly<Record<string, ModelProfile>> = {
  "o1": { meanScore: 0.621, pOne: 0.449, pZero: 0.348, meanInput: 2429, meanOutput: 10680 },
  "o1-mini": { meanScore: 0.567, pOne: 0.309, pZero: 0.347, meanInput: 2605, meanOutput: 3857 },
  "o3-mini": { meanScore: 0.747, pOne: 0.570, pZero: 0.225, meanInput: 2429, meanOutput: 8525 },
  "gpt-4": { meanScore: 0.391, pOne: 0.017, pZero: 0.035, meanInput: 2430, meanOutput: 235 },
  "gpt-4o": { meanScore: 0.320, pOne: 0.018, pZero: 0.297, meanInput: 2430, meanOutput: 559 },
  "gpt-4o-mini": {
    meanScore: 0.297,
    pOne: 0.011,
    pZero: 0.113,
    meanInput: 2430,
    meanOutput: 532,
  },
  "gpt-35-turbo": {
    meanScore: 0.198,
    pOne: 0.005,
    pZero: 0.209,
    meanInput: 2430,
    meanOutput: 172,
  },
  "deepseek-r1": {
    meanScore: 0.515,
    pOne: 0.308,
    pZero: 0.380,
    meanInput: 2428,
    meanOutput: 10997,
  },
  "deepseek-v3": {
    meanScore: 0.425,
    pOne: 0.025,
    pZero: 0.249,
    meanInput: 2426,
    meanOutput: 664,
  },
  "qwen-max": { meanScore: 0.357, pOne: 0.018, pZero: 0.292, meanInput: 2611, meanOutput: 663 },
};

/**
 * Draws `tasks` synthetic records per model from the profiles, deterministic by `seed`
 * (each model draws from its own derived stream, so adding a model changes no other).
 *
 * @param models Model names; each needs a profile.
 * @param seed The run's seed.
 * @param tasks Records per model.
 * @param profiles The profile table. @default MODEL_PROFILES
 * @throws {ConfigError} For a model without a profile.
 */
export function syntheticRecords(
  models: readonly string[],
  seed: number,
  tasks: number,
  profiles: Readonly<Record<string, ModelProfile>> = MODEL_PROFILES,
): TaskRecords {
  if (!Number.isInteger(tasks) || tasks < 1) {
    throw new RangeError(`Cannot draw records: 'tasks' must be a positive integer, got ${tasks}`);
  }
  const root = new Rng(seed).derive("delegation:records");
  const out: Record<string, ModelRecords> = {};
  for (const model of models) {
    if (out[model]) continue;
    const p = profiles[model];
    if (!p) {
      throw new ConfigError(
        `config.records: model '${model}' has no synthetic profile; known: ${
          Object.keys(profiles).join(", ")
        } (or use recorded records)`,
      );
    }
    const rng = root.derive(model);
    const mid = p.pOne + p.pZero < 1 ? (p.meanScore - p.pOne) / (1 - p.pOne - p.pZero) : 0.5;
    const m = Math.min(1, Math.max(0, mid));
    const half = Math.min(m, 1 - m);
    const rec: ModelRecords = {
      score: new Float64Array(tasks),
      input: new Float64Array(tasks),
      output: new Float64Array(tasks),
    };
    for (let i = 0; i < tasks; i++) {
      const u = rng.next();
      rec.score[i] = u < p.pOne ? 1 : u < p.pOne + p.pZero ? 0 : m - half + 2 * half * rng.next();
      rec.input[i] = Math.max(1, Math.round(p.meanInput * (0.9 + 0.2 * rng.next())));
      rec.output[i] = Math.max(1, Math.round((p.meanOutput * rng.gamma(2)) / 2));
    }
    out[model] = rec;
  }
  const taskIds = new Int32Array(tasks);
  for (let i = 0; i < tasks; i++) taskIds[i] = i;
  return { n: tasks, models: out, taskIds, source: `synthetic:seed=${seed}` };
}

/**
 * One all-zero task per model: what live mode builds its price tables from (rewards and
 * tokens of live delegations come from the served model's real answers instead).
 *
 * @param models Model names.
 */
export function placeholderRecords(models: readonly string[]): TaskRecords {
  const out: Record<string, ModelRecords> = {};
  for (const m of models) {
    out[m] = {
      score: new Float64Array(1),
      input: new Float64Array(1),
      output: new Float64Array(1),
    };
  }
  return { n: 1, models: out, taskIds: new Int32Array(1), source: "live" };
}

/** The name of a model's record file. */
export function recordFileName(model: string): string {
  return `${model}_test_result.jsonl`;
}

/**
 * Parses one model's JSONL records.
 *
 * @param text The file's text.
 * @param file The file name for errors.
 * @throws {ConfigError} `file:line: problem` for a bad line.
 */
export function parseRecordLines(text: string, file: string): ModelRecords {
  const score: number[] = [];
  const input: number[] = [];
  const output: number[] = [];
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    const where = `${file}:${i + 1}`;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new ConfigError(`${where}: invalid JSON: ${(e as Error).message}`);
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      throw new ConfigError(`${where}: expected a JSON object`);
    }
    const o = v as Record<string, unknown>;
    const s = o.score ?? 0;
    if (typeof s !== "number" || !(s >= 0 && s <= 1)) {
      throw new ConfigError(`${where}: 'score' must be a number in [0, 1], got ${o.score}`);
    }
    for (const k of ["input_tokens", "output_tokens"]) {
      const x = o[k] ?? 0;
      if (typeof x !== "number" || !Number.isInteger(x) || x < 0) {
        throw new ConfigError(`${where}: '${k}' must be an integer >= 0, got ${o[k]}`);
      }
    }
    score.push(s);
    input.push((o.input_tokens as number | undefined) ?? 0);
    output.push((o.output_tokens as number | undefined) ?? 0);
  });
  if (score.length === 0) throw new ConfigError(`${file}: no records`);
  return {
    score: Float64Array.from(score),
    input: Float64Array.from(input),
    output: Float64Array.from(output),
  };
}

/**
 * Reads recorded task records of `models` from `dir`.
 *
 * @param dir The directory holding `<model>_test_result.jsonl` files.
 * @param models The models to read (duplicates read once).
 * @param options `shuffled`: use `task_ids_shuffled.json` when present (default true).
 * @throws {ConfigError} For a missing model file (naming the model), a bad line
 *   (`file:line`), files of different lengths, or a bad task order file.
 *
 * @example
 * ```ts ignore
 * import { loadRecordedRecords } from "./records.ts";
 * const records = await loadRecordedRecords("../shared/reference/delegation", ["o1", "gpt-4"]);
 * ```
 */
export async function loadRecordedRecords(
  dir: string,
  models: readonly string[],
  options: { shuffled?: boolean } = {},
): Promise<TaskRecords> {
  const { shuffled = true } = options;
  const out: Record<string, ModelRecords> = {};
  let n = -1;
  for (const model of models) {
    if (out[model]) continue;
    const file = `${dir}/${recordFileName(model)}`;
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new ConfigError(
          `${file}: file not found (records of model '${model}'); for the paper's recorded data, ${REFERENCE_HINT}`,
        );
      }
      throw new ConfigError(`${file}: cannot read: ${(e as Error).message}`);
    }
    const rec = parseRecordLines(text, file);
    if (n >= 0 && rec.score.length !== n) {
      throw new ConfigError(
        `${file}: ${rec.score.length} records, but other models have ${n}`,
      );
    }
    n = rec.score.length;
    out[model] = rec;
  }
  if (n < 0) throw new ConfigError(`${dir}: no models to read`);
  let taskIds: Int32Array = new Int32Array(n);
  for (let i = 0; i < n; i++) taskIds[i] = i;
  const orderFile = `${dir}/task_ids_shuffled.json`;
  if (shuffled) {
    let text: string | undefined;
    try {
      text = await Deno.readTextFile(orderFile);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        throw new ConfigError(`${orderFile}: cannot read: ${(e as Error).message}`);
      }
    }
    if (text !== undefined) taskIds = parseTaskOrder(text, orderFile, n);
  }
  return { n, models: out, taskIds, source: dir };
}

/**
 * Parses a task order file: a JSON array of task indices in `[0, n)`.
 *
 * @throws {ConfigError} Naming the file and the first bad entry.
 */
export function parseTaskOrder(text: string, file: string, n: number): Int32Array {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: invalid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(v) || v.length === 0) {
    throw new ConfigError(`${file}: expected a non-empty JSON array of task indices`);
  }
  const ids = new Int32Array(v.length);
  v.forEach((x, i) => {
    if (!Number.isInteger(x) || x < 0 || x >= n) {
      throw new ConfigError(`${file}: entry ${i} must be an integer in [0, ${n}), got ${x}`);
    }
    ids[i] = x;
  });
  return ids;
}
