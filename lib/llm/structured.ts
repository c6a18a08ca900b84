/**
 * Structured output: the JSON Schema of a reply, built from a zod schema (zod 4 converts
 * schemas to JSON Schema), made strict as OpenAI's `strict: true` requires, and whether a
 * model is known to support it.
 *
 * Strict mode takes a subset of JSON Schema (OpenAI, "Structured Outputs – Supported
 * schemas"): the root is an object; every object lists all its properties in `required` and
 * has `additionalProperties: false`; every node has a `type` (or is an `anyOf`, `enum`,
 * `const` or `$ref`); only the keywords in {@linkcode STRICT_KEYWORDS}; at most 5,000
 * object properties, 10 levels of nested objects, 1,000 enum values and 120,000 characters
 * of property names, definition names, enum and const values. {@linkcode replySchema}
 * converts what it can (an optional property becomes required and nullable) and refuses the
 * rest at build time, naming the node, instead of letting the provider answer a 400.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { replySchema } from "./structured.ts";
 * const s = replySchema("move", z.object({ action: z.enum(["C", "D"]), note: z.string().optional() }));
 * console.log(s?.json.required, s?.json.additionalProperties); // ["action", "note"] false
 * console.log((s?.json.properties as Record<string, unknown>).note);
 * // { anyOf: [{ type: "string" }, { type: "null" }] }
 * ```
 * @module
 */
import { z } from "zod";
import type { ReplySchema } from "./chat_model.ts";

/** The keywords strict mode accepts in a schema node (OpenAI's supported subset). */
export const STRICT_KEYWORDS: ReadonlySet<string> = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "enum",
  "const",
  "anyOf",
  "$ref",
  "$defs",
  "definitions",
  "description",
  "title",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
]);

/** The `format` values strict mode accepts for strings. */
const FORMATS = new Set([
  "date-time",
  "time",
  "date",
  "duration",
  "email",
  "hostname",
  "ipv4",
  "ipv6",
  "uuid",
]);

const TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);

/** The size limits of a strict schema (OpenAI's documented numbers). */
export const STRICT_LIMITS = {
  /** Object properties in the whole schema. */
  properties: 5000,
  /** Levels of nested objects, the root being level 1. */
  depth: 10,
  /** Characters of property names, definition names, enum values and const values. */
  chars: 120_000,
  /** Enum values in the whole schema. */
  enumValues: 1000,
  /** A string enum with more values than this ... */
  largeEnum: 250,
  /** ... has at most this many characters in all. */
  largeEnumChars: 15_000,
} as const;

/**
 * The strict JSON Schema of `schema`, or `undefined` when zod cannot represent it (a custom
 * check or a transform without an input type) or its root is not an object: such replies go
 * through the robust parser only. An optional property becomes required and nullable
 * (`anyOf: [T, {type: "null"}]`), so the parser reading the reply must accept `null` for
 * it.
 *
 * @param name The schema's name (`[A-Za-z0-9_-]`, up to 64 characters).
 * @param schema The reply's zod schema; its input side is converted.
 * @returns `{name, json}`, or `undefined`.
 * @throws {RangeError} For a bad name.
 * @throws {TypeError} For a node strict mode would refuse, named by its JSON pointer: an
 * untyped node (zod's `z.unknown()`, `z.any()`, a preprocess), a keyword outside
 * {@linkcode STRICT_KEYWORDS} (`default`, `minLength`, `allOf`, `oneOf`, `prefixItems`,
 * ...), an object that cannot be closed (a record, a loose object), or a schema over
 * {@linkcode STRICT_LIMITS}.
 * @example
 * ```ts
 * import { z } from "zod";
 * import { replySchema } from "./structured.ts";
 * try {
 *   replySchema("r", z.object({ request: z.unknown() }));
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // Cannot build reply schema 'r': node at /properties/request has no type
 * }
 * ```
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
  return { name, json: new Strictifier(name, json).run() };
}

/** Converts one schema to its strict form, or throws naming the first node it cannot take. */
class Strictifier {
  #name: string;
  #root: Record<string, unknown>;
  #defs: Set<string>;
  #tally = { properties: 0, enumValues: 0, chars: 0 };

  constructor(name: string, root: Record<string, unknown>) {
    this.#name = name;
    this.#root = root;
    this.#defs = new Set(
      ["$defs", "definitions"].flatMap((g) =>
        isRecord(root[g]) ? Object.keys(root[g] as object).map((k) => `#/${g}/${k}`) : []
      ),
    );
  }

  run(): Record<string, unknown> {
    const out = this.#node(this.#root, "", 0);
    const t = this.#tally;
    const L = STRICT_LIMITS;
    if (t.properties > L.properties) {
      this.#fail("", `has ${t.properties} object properties, over the limit of ${L.properties}`);
    }
    if (t.enumValues > L.enumValues) {
      this.#fail("", `has ${t.enumValues} enum values, over the limit of ${L.enumValues}`);
    }
    if (t.chars > L.chars) {
      this.#fail(
        "",
        `has ${t.chars} characters of names, enum and const values, over the limit of ${L.chars}`,
      );
    }
    return out;
  }

  #fail(pointer: string, why: string): never {
    const at = pointer === "" ? "the root" : `node at ${pointer}`;
    throw new TypeError(`Cannot build reply schema '${this.#name}': ${at} ${why}`);
  }

  /** `node` made strict; `depth` counts the objects around it. */
  #node(node: unknown, pointer: string, depth: number): Record<string, unknown> {
    if (!isRecord(node)) this.#fail(pointer, "is not a schema object");
    for (const key of Object.keys(node)) {
      if (!STRICT_KEYWORDS.has(key)) {
        this.#fail(pointer, `uses '${key}', which strict mode does not support`);
      }
    }
    const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
    if (types.length === 0 && !["anyOf", "enum", "const", "$ref"].some((k) => k in node)) {
      this.#fail(pointer, "has no type");
    }
    for (const t of types) {
      if (typeof t !== "string" || !TYPES.has(t)) this.#fail(pointer, `has type '${t}'`);
    }
    if (typeof node.format === "string" && !FORMATS.has(node.format)) {
      this.#fail(pointer, `has format '${node.format}', which strict mode does not support`);
    }
    if (node.$ref !== undefined && node.$ref !== "#" && !this.#defs.has(node.$ref as string)) {
      this.#fail(pointer, `refers to '${node.$ref}', which is not a definition`);
    }
    if (node.enum !== undefined) this.#enum(node.enum, pointer);
    if (node.const !== undefined) this.#tally.chars += String(node.const).length;
    const out: Record<string, unknown> = { ...node };
    if (node.anyOf !== undefined) {
      if (pointer === "") this.#fail(pointer, "is an anyOf, which strict mode refuses at the root");
      if (!Array.isArray(node.anyOf) || node.anyOf.length === 0) {
        this.#fail(pointer, "has an empty anyOf");
      }
      out.anyOf = node.anyOf.map((b, i) => this.#node(b, `${pointer}/anyOf/${i}`, depth));
    }
    let inner = depth;
    if (types.includes("object") || node.properties !== undefined) {
      inner = depth + 1;
      if (inner > STRICT_LIMITS.depth) {
        this.#fail(
          pointer,
          `nests ${inner} objects deep, over the limit of ${STRICT_LIMITS.depth}`,
        );
      }
      if (node.additionalProperties !== undefined && node.additionalProperties !== false) {
        this.#fail(
          pointer,
          "allows additional properties (a record or loose object), which cannot be closed",
        );
      }
      if (!isRecord(node.properties)) {
        this.#fail(pointer, "is an object without properties, which cannot be closed");
      }
      const required = new Set(Array.isArray(node.required) ? node.required : []);
      const properties: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node.properties)) {
        this.#tally.properties += 1;
        this.#tally.chars += k.length;
        const child = this.#node(v, `${pointer}/properties/${escape(k)}`, inner);
        properties[k] = required.has(k) ? child : nullable(child);
      }
      out.properties = properties;
      out.required = Object.keys(properties);
      out.additionalProperties = false;
    }
    if (node.items !== undefined) out.items = this.#node(node.items, `${pointer}/items`, inner);
    for (const group of ["$defs", "definitions"]) {
      if (node[group] === undefined) continue;
      if (!isRecord(node[group])) this.#fail(pointer, `has a '${group}' that is not an object`);
      const defs: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node[group] as Record<string, unknown>)) {
        this.#tally.chars += k.length;
        defs[k] = this.#node(v, `${pointer}/${group}/${escape(k)}`, 0);
      }
      out[group] = defs;
    }
    return out;
  }

  #enum(values: unknown, pointer: string): void {
    if (!Array.isArray(values) || values.length === 0) this.#fail(pointer, "has an empty enum");
    this.#tally.enumValues += values.length;
    const strings = values.filter((v): v is string => typeof v === "string");
    const chars = strings.reduce((n, s) => n + s.length, 0);
    this.#tally.chars += values.reduce((n: number, v) => n + String(v).length, 0);
    const L = STRICT_LIMITS;
    if (strings.length > L.largeEnum && chars > L.largeEnumChars) {
      this.#fail(
        pointer,
        `has ${strings.length} enum strings of ${chars} characters, over the limit of ${L.largeEnumChars} for enums of more than ${L.largeEnum} values`,
      );
    }
  }
}

/** `node` accepting `null` as well (unchanged when it already does). */
function nullable(node: Record<string, unknown>): Record<string, unknown> {
  if (allowsNull(node)) return node;
  if (
    Array.isArray(node.anyOf) &&
    Object.keys(node).every((k) => k === "anyOf" || k === "description")
  ) {
    return { ...node, anyOf: [...node.anyOf, { type: "null" }] };
  }
  return { anyOf: [node, { type: "null" }] };
}

function allowsNull(node: Record<string, unknown>): boolean {
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (node.enum !== undefined) return Array.isArray(node.enum) && node.enum.includes(null);
  if (node.const !== undefined) return node.const === null;
  if (types.includes("null")) return true;
  return Array.isArray(node.anyOf) && node.anyOf.some((b) => isRecord(b) && allowsNull(b));
}

/** A JSON pointer segment (RFC 6901). */
function escape(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
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
