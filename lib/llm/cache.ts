/**
 * A record/replay cache around any {@linkcode ChatModel}: replies are stored under a hash of
 * the canonical request (model id, system prompt, messages, temperature, max tokens, seed),
 * one JSON file per entry, so a rerun with the same cache makes zero network calls and gives
 * identical results. With `offline: true` a miss is an error instead of a call.
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
  override name = "CacheMissError";
  constructor(readonly key: string, readonly modelId: string) {
    super(`Cache miss in offline mode: no recorded reply for ${modelId} (key ${key.slice(0, 12)})`);
  }
}

/** The canonical cache key of a request to `model`. */
export function cacheKey(
  modelId: string,
  request: ChatRequest,
  namespace?: string,
): Promise<string> {
  const { system, messages, temperature, maxTokens, seed } = request;
  return sha256Hex(
    canonicalJson({ modelId, namespace, system, messages, temperature, maxTokens, seed }),
  );
}

const EntrySchema = z.object({
  v: z.literal(1),
  key: z.string(),
  modelId: z.string(),
  response: z.object({
    text: z.string(),
    usage: z.object({ input: z.number(), output: z.number(), cached: z.number() }),
    model: z.string(),
    latencyMs: z.number(),
    attempts: z.number().optional(),
  }),
});
type Entry = z.infer<typeof EntrySchema>;

/** Wraps `model` with the record/replay cache. */
export function withCache(model: ChatModel, options: CacheOptions): ChatModel {
  const { dir, offline = false, namespace } = options;
  if (!dir) throw new TypeError("Cannot create cache: 'dir' is required");
  return {
    id: model.id,
    model: model.model,
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
      await Deno.mkdir(join(dir, key.slice(0, 2)), { recursive: true });
      const { fromCache: _f, ...stored } = response;
      const entry: Entry = { v: 1, key, modelId: model.id, response: stored };
      const tmp = `${file}.${crypto.randomUUID()}.tmp`;
      await Deno.writeTextFile(tmp, JSON.stringify(entry, null, 1));
      await Deno.rename(tmp, file);
      return response;
    },
  };
}
