/**
 * A record/replay cache around any {@linkcode ChatModel}: replies are stored under a hash of
 * the canonical request (model id, endpoint namespace, system prompt, messages, temperature,
 * max tokens, seed, reply schema) *and its draw* (`request.draw`: the run's design, i.e.
 * experiment, config and seats, the run seed, the seat and the occurrence of that exact
 * request within the run, set by `withDraws`), one JSON file per entry. A rerun of the same
 * run replays byte-identically with zero network calls; another seed, another condition or
 * sweep cell, another seat, or the second identical request within one run is a new draw and
 * goes to the model. With `offline: true` a miss is an error instead of a call.
 *
 * Entries written before draws were part of the key (format 1, lab 0.3) are never read: their
 * keys hashed the prompt only, so one entry answered every seed and every repeat of a prompt,
 * and there is no way to tell which draw it was. They stay on disk, unused; delete the folder
 * to reclaim the space.
 *
 * An entry is stored only when it reads back exactly as it was (a reply with a `NaN`
 * latency, say, is returned but not recorded, rather than poisoning every rerun), and it is
 * written atomically under a unique temporary name, so an interrupted write leaves neither a
 * half-written entry nor a stray `*.tmp` file.
 *
 * @example
 * ```ts
 * import { withCache } from "./cache.ts";
 * import { ScriptedChatModel } from "./scripted.ts";
 * const dir = await Deno.makeTempDir();
 * const model = withCache(new ScriptedChatModel(["hi"]), { dir });
 * await model.complete({ messages: [{ role: "user", content: "x" }] }); // recorded
 * const again = await model.complete({ messages: [{ role: "user", content: "x" }] });
 * console.log(again.fromCache); // true
 * ```
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import type { ChatModel, ChatRequest, ChatResponse } from "./chat_model.ts";
import { canonicalJson, sha256Hex } from "./canonical.ts";

/** Options of {@linkcode withCache}. */
export interface CacheOptions {
  /** The cache folder (created when missing). */
  dir: string;
  /** Fail on a miss instead of calling the model. @default {false} */
  offline?: boolean;
  /**
   * Part of every key besides the model id, e.g. the endpoint, so that two servers with the
   * same model name never share replies. @default {undefined}
   */
  namespace?: string;
}

/** Raised in offline mode when a request is not in the cache. */
export class CacheMissError extends Error {
  /** The error's name, `CacheMissError`. */
  override name = "CacheMissError";
  /**
   * A miss of `key` for model `modelId`.
   *
   * @param key The request's cache key.
   * @param modelId The model's id, e.g. `openai:gpt-4o-mini`.
   */
  constructor(readonly key: string, readonly modelId: string) {
    super(`Cache miss in offline mode: no recorded reply for ${modelId} (key ${key.slice(0, 12)})`);
  }
}

/** The key format: 2 since the draw (run seed, seat, sample) is part of the key. */
export const CACHE_FORMAT = 2;

/**
 * The canonical cache key of a request to `model`: the model id, the namespace (endpoint),
 * the request's content and its draw.
 */
export function cacheKey(
  modelId: string,
  request: ChatRequest,
  namespace?: string,
): Promise<string> {
  const { system, messages, temperature, maxTokens, seed, schema, draw } = request;
  return sha256Hex(
    canonicalJson({
      format: CACHE_FORMAT,
      modelId,
      namespace,
      system,
      messages,
      temperature,
      maxTokens,
      seed,
      schema,
      // `null` fields stay in the key: a request outside any run is its own draw space.
      draw: draw ? { run: draw.run, seed: draw.seed, seat: draw.seat, sample: draw.sample } : null,
    }),
  );
}

const EntrySchema = z.object({
  v: z.literal(CACHE_FORMAT),
  key: z.string(),
  modelId: z.string(),
  response: z.object({
    text: z.string(),
    usage: z.object({
      input: z.number(),
      output: z.number(),
      cached: z.number(),
      cacheWrite: z.number().optional(),
    }),
    model: z.string(),
    latencyMs: z.number(),
    attempts: z.number().optional(),
    finishReason: z.string().optional(),
    problem: z.string().optional(),
  }),
});
type Entry = z.infer<typeof EntrySchema>;

/**
 * The entry as stored, or `undefined` when it could not be handed back as it was: a reply
 * whose fields do not survive JSON (a `NaN` or infinite number, a missing or non-string
 * text) would be read back as a corrupt entry, failing every rerun, so it is not stored.
 */
function storable(entry: Entry): string | undefined {
  let data: string;
  try {
    data = JSON.stringify(entry, null, 1);
  } catch {
    return undefined;
  }
  const back = EntrySchema.safeParse(JSON.parse(data));
  if (!back.success) return undefined;
  const a = back.data.response;
  const b = entry.response;
  const same = a.text === b.text && a.model === b.model && a.latencyMs === b.latencyMs &&
    a.attempts === b.attempts && a.finishReason === b.finishReason &&
    a.problem === b.problem && a.usage.input === b.usage.input &&
    a.usage.output === b.usage.output && a.usage.cached === b.usage.cached &&
    (a.usage as { cacheWrite?: number }).cacheWrite ===
      (b.usage as { cacheWrite?: number }).cacheWrite;
  return same ? data : undefined;
}

/**
 * Writes an entry atomically: to a temporary file with a unique name beside it, then renamed
 * over it. Both steps are synchronous, so no other task runs between them (an error exit
 * elsewhere cannot leave the temporary file behind), and a failed write removes it.
 */
function writeEntry(dir: string, key: string, file: string, data: string): void {
  const tmp = `${file}.${crypto.randomUUID()}.tmp`;
  try {
    Deno.mkdirSync(join(dir, key.slice(0, 2)), { recursive: true });
    Deno.writeTextFileSync(tmp, data, { createNew: true });
    Deno.renameSync(tmp, file);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch {
      // never created, or already gone
    }
    throw new Error(`Cannot write cache entry ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Wraps `model` with the record/replay cache. Only replies that can be handed back exactly
 * are stored (see the module doc); the others are returned but not recorded.
 */
export function withCache(model: ChatModel, options: CacheOptions): ChatModel {
  const { dir, offline = false, namespace } = options;
  if (!dir) throw new TypeError("Cannot create cache: 'dir' is required");
  return {
    id: model.id,
    model: model.model,
    structured: model.structured,
    async complete(request: ChatRequest): Promise<ChatResponse> {
      const key = await cacheKey(model.id, request, namespace);
      const file = join(dir, key.slice(0, 2), `${key}.json`);
      let text: string | undefined;
      try {
        text = await Deno.readTextFile(file);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) {
          throw new Error(`Cannot read cache entry ${file}: ${(e as Error).message}`);
        }
      }
      if (text !== undefined) {
        let entry: Entry;
        try {
          entry = EntrySchema.parse(JSON.parse(text));
        } catch (e) {
          throw new Error(
            `Cannot read cache entry ${file}: ${(e as Error).message.split("\n")[0]}`,
          );
        }
        return { ...entry.response, fromCache: true };
      }
      if (offline) throw new CacheMissError(key, model.id);
      const response = await model.complete(request);
      const { fromCache: _f, attemptLog: _a, sample: _s, seat: _t, ...stored } = response;
      const data = storable({ v: CACHE_FORMAT, key, modelId: model.id, response: stored });
      if (data !== undefined) writeEntry(dir, key, file, data);
      return response;
    },
  };
}
