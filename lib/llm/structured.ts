/**
 * Structured output: the JSON Schema of a reply, built from a zod schema (zod 4 converts
 * schemas to JSON Schema), made strict as OpenAI's `strict: true` requires (every property
 * required, no others), and whether a model is known to support it.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { replySchema } from "./structured.ts";
 * const s = replySchema("move", z.object({ action: z.enum(["C", "D"]) }));
 * console.log(s?.json.required, s?.json.additionalProperties); // ["action"] false
 * ```
 * @module
 */
import { z } from "zod";
import type { ReplySchema } from "./chat_model.ts";

/**
 * The strict JSON Schema of `schema`, or `undefined` when zod cannot represent it (a custom
 * check or a transform without an input type): such replies go through the robust parser
 * only.
 *
 * @param name The schema's name (`[A-Za-z0-9_-]`, up to 64 characters).
 * @param schema The reply's zod schema; its input side is converted.
 * @returns `{name, json}`, or `undefined`.
 */
export function replySchema(name: string, schema: z.ZodType): ReplySchema | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw new RangeError(`Cannot build a reply schema: bad name '${name}'`);
  }
  let json: Record<string, unknown>;
  try {
    json = z.toJSONSchema(schema, { io: "input", unrepresentable: "throw" }) as Record<
      string,
      unknown
    >;
  } catch {
    return undefined;
  }
  delete json.$schema;
  if (json.type !== "object") return undefined;
  return { name, json: strict(json) as Record<string, unknown> };
}

/** Every object closed (`additionalProperties: false`) with all its properties required. */
function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = strict(v);
  if (out.type === "object" && out.properties && typeof out.properties === "object") {
    out.required = Object.keys(out.properties);
    out.additionalProperties = false;
  }
  return out;
}

/** OpenAI models with structured outputs (json_schema, strict). */
const OPENAI_STRUCTURED = /^(gpt-4o(?!-2024-05-13)|gpt-4\.1|gpt-5|o1(?!-mini|-preview)|o3|o4)/;

/**
 * Whether structured output is on by default: for OpenAI models known to support it,
 * served by api.openai.com (other OpenAI-compatible servers vary: turn it on per agent).
 *
 * @param provider The agent's provider.
 * @param model The model name.
 * @param baseURL The agent's `base_url`, when set.
 * @returns `true` when on by default.
 */
export function structuredByDefault(
  provider: string,
  model: string | undefined,
  baseURL: string | undefined,
): boolean {
  if (provider !== "openai" || !model) return false;
  if (baseURL !== undefined) {
    try {
      if (new URL(baseURL).hostname !== "api.openai.com") return false;
    } catch {
      return false;
    }
  }
  return OPENAI_STRUCTURED.test(model);
}
