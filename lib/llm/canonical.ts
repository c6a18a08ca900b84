/**
 * Canonical JSON and hashing, used for cache keys and prompt hashes.
 *
 * @example
 * ```ts
 * import { canonicalJson, sha256Hex } from "./canonical.ts";
 * console.log(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })); // {"a":[2,{"c":4,"d":3}],"b":1}
 * console.log((await sha256Hex("x")).length); // 64
 * ```
 * @module
 */

/** JSON with object keys sorted at every depth and `undefined` fields dropped. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** Hex SHA-256 of a UTF-8 string. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The hash of a request's content (system prompt, messages, sampling, reply schema; not its
 * draw, signal or model): 16 hex digits, logged as `prompt_hash` and used to count the draws
 * of one exact request within a run.
 *
 * @param request The request's content fields.
 * @returns 16 lower-case hex digits.
 * @example
 * ```ts
 * import { requestHash } from "./canonical.ts";
 * const h = await requestHash({ messages: [{ role: "user", content: "hi" }] });
 * console.log(h.length); // 16
 * ```
 */
export async function requestHash(request: {
  system?: string;
  messages: readonly { role: string; content: string }[];
  temperature?: number;
  maxTokens?: number;
  seed?: number;
  schema?: unknown;
}): Promise<string> {
  const { system, messages, temperature, maxTokens, seed, schema } = request;
  return (await sha256Hex(
    canonicalJson({ system, messages, temperature, maxTokens, seed, schema }),
  )).slice(0, 16);
}
