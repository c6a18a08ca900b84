/**
 * What the real providers refuse in a structured-output request, for the local test servers
 * (`llm_servers.ts`): {@linkcode openAIStrictSchemaProblem} checks an OpenAI
 * `response_format` the way OpenAI's strict Structured Outputs do, and
 * {@linkcode anthropicToolsProblem} checks the `tools` and `tool_choice` of an Anthropic
 * Messages request. Each returns the provider's error message, or `null` when the request
 * would be accepted.
 *
 * This is deliberately a second implementation, apart from `lib/llm/structured.ts`: the
 * servers stand in for the providers, so a bug in our schema builder shows up as the 400 a
 * real provider would answer.
 *
 * Sources (stored copies found with the search tool; the provider pages themselves were not
 * in the corpus):
 *
 * - OpenAI, "Structured Outputs – Supported schemas", as summarised by
 *   https://jsonschemaprofiles.unitvectorylabs.com/schemas/openai (baseline February 2026):
 *   supported types string, number, boolean, integer, object, array, enum, anyOf (not at the
 *   root); string `pattern`, `format`; number `multipleOf`, `maximum`, `exclusiveMaximum`,
 *   `minimum`, `exclusiveMinimum`; array `minItems`, `maxItems`; root an object; every field
 *   in `required`; `additionalProperties: false` on every object; optional fields as a union
 *   with null; up to 5,000 object properties and 10 levels of nesting; at most 120,000
 *   characters of property names, definition names, enum values and const values; at most
 *   1,000 enum values; a string enum of more than 250 values within 15,000 characters;
 *   `allOf`, `not`, `dependentRequired`, `dependentSchemas`, `if`/`then`/`else` unsupported.
 *   The same numbers are in https://docs.rs/crate/artifactize-core/latest/source/src/agent/verdict/structured/limits.rs
 *   (citing developers.openai.com/api/docs/guides/structured-outputs#supported-schemas). The
 *   older limits (100 properties, 5 levels) are in
 *   https://community.openai.com/t/measuring-maximum-depth-and-object-properties-in-structured-outputs/918388.
 * - OpenAI's error texts, from issue threads quoting real 400s:
 *   "In context=(), 'additionalProperties' is required to be supplied and to be false."
 *   (github.com/moeru-ai/xsai/issues/145, dottxt-ai/outlines/issues/844); "'required' is
 *   required to be supplied and to be an array including every key in properties. Missing
 *   'roles'." (vercel/ai/issues/6484); "schema must be a JSON Schema of 'type: "object"',
 *   got 'type: "array"'." (clay-good/OpenLore/issues/52); "In context=(), 'oneOf' is not
 *   permitted." and "In context=('properties', 'ok'), schema must have a 'type' key."
 *   (quoted in several public repositories); "14 levels of nesting exceeds limit of 10." and
 *   "6000 parameters exceeds limit of 5000." (a test file quoting gpt-5.6 answers). The
 *   Chat Completions error body is `{error: {message, type: "invalid_request_error", param:
 *   "response_format", code: null}}` (moeru-ai/xsai/issues/145). Messages marked
 *   "(approximate)" below have no real text on record.
 * - Anthropic, the Messages API `Tool` schema: `name` matches `^[a-zA-Z0-9_-]{1,64}$`,
 *   `input_schema` is a JSON Schema (draft 2020-12) object with `type: "object"`
 *   (https://schemas.apis.io/schemas/claude/claude-tool/, and the `@anthropic-ai/sdk` 0.70
 *   type docs); `tool_choice` is `auto`, `any`, `tool` (with `name`) or `none`. Error texts
 *   from issue threads: "tools: Tool names must be unique." (anthropics/claude-code/issues/10687),
 *   "tools.0.custom.input_schema: JSON schema is invalid. It must match JSON Schema draft
 *   2020-12 ..." (anthropics/claude-code/issues/9605), "tools.12.custom.input_schema:
 *   input_schema does not support oneOf, allOf, or anyOf at the top level"
 *   (anthropics/claude-code/issues/44788), "tools.0.custom.name: String should match pattern
 *   '^[a-zA-Z0-9_-]{1,64}$'" (quoted in public repositories; the API has since allowed 128
 *   characters, we keep the documented 64).
 *
 * @example
 * ```ts
 * import { openAIStrictSchemaProblem } from "./strict_schema.ts";
 * const problem = openAIStrictSchemaProblem({
 *   type: "json_schema",
 *   json_schema: { name: "r", strict: true, schema: { type: "object", properties: {} } },
 * });
 * console.log(problem);
 * // Invalid schema for response_format 'r': In context=(), 'additionalProperties' is required to be supplied and to be false.
 * ```
 * @module
 */

/** Keywords OpenAI strict mode accepts in a schema node. */
const OPENAI_KEYWORDS = new Set([
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
  // strings
  "pattern",
  "format",
  // numbers
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  // arrays
  "minItems",
  "maxItems",
]);

/** The `format` values OpenAI documents for strings. */
const OPENAI_FORMATS = new Set([
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

const JSON_TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);

/** OpenAI's documented limits of a strict schema. */
export const OPENAI_LIMITS = {
  /** Object properties in the whole schema. */
  properties: 5000,
  /** Levels of nested objects, the root object being level 1. */
  depth: 10,
  /** Characters of property names, definition names, enum values and const values. */
  stringChars: 120_000,
  /** Enum values in the whole schema. */
  enumValues: 1000,
  /** A string enum with more values than this ... */
  largeEnum: 250,
  /** ... has at most this many characters in all. */
  largeEnumChars: 15_000,
} as const;

type Path = readonly (string | number)[];

/** Python's repr of the path tuple, as OpenAI prints `context=`. */
function context(path: Path): string {
  const parts = path.map((p) => (typeof p === "number" ? String(p) : `'${p}'`));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(", ")})`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

class Invalid extends Error {}

/**
 * What OpenAI would refuse in a `response_format`: the message of its 400 answer, or `null`
 * when the format would be accepted. A `text` or `json_object` format has nothing to check;
 * a `json_schema` format needs a name matching `^[a-zA-Z0-9_-]{1,64}$`, and with
 * `strict: true` a schema within the strict subset (see the module doc for the rules and
 * their sources).
 *
 * @param responseFormat The request's `response_format`.
 * @returns The error message, or `null`.
 * @example
 * ```ts
 * import { openAIStrictSchemaProblem } from "./strict_schema.ts";
 * const schema = {
 *   type: "object",
 *   properties: { a: {} },
 *   required: ["a"],
 *   additionalProperties: false,
 * };
 * console.log(openAIStrictSchemaProblem({
 *   type: "json_schema",
 *   json_schema: { name: "r", strict: true, schema },
 * }));
 * // Invalid schema for response_format 'r': In context=('properties', 'a'), schema must have a 'type' key.
 * ```
 */
export function openAIStrictSchemaProblem(responseFormat: unknown): string | null {
  if (!isObject(responseFormat)) {
    return "Invalid type for 'response_format': expected an object, but got a value instead.";
  }
  const { type } = responseFormat;
  if (type === "text" || type === "json_object") return null;
  if (type !== "json_schema") {
    return `Invalid value: '${type}'. Supported values are: 'json_object', 'json_schema', and 'text'.`;
  }
  const js = responseFormat.json_schema;
  if (!isObject(js)) return "Missing required parameter: 'response_format.json_schema'.";
  const name = js.name;
  if (typeof name !== "string") {
    return "Missing required parameter: 'response_format.json_schema.name'.";
  }
  if (name.length > 64) {
    return `Invalid 'response_format.json_schema.name': string too long. Expected a string with maximum length 64, but got a string with length ${name.length} instead.`;
  }
  if (!/^[a-zA-Z0-9_-]+$/.test(name)) {
    return "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.";
  }
  const schema = js.schema ?? {};
  if (!isObject(schema)) {
    return "Invalid type for 'response_format.json_schema.schema': expected an object, but got a value instead.";
  }
  if (js.strict !== true) return null; // not strict: any JSON Schema is taken as a hint
  try {
    checkStrict(schema);
    return null;
  } catch (e) {
    if (e instanceof Invalid) return `Invalid schema for response_format '${name}': ${e.message}`;
    throw e;
  }
}

/** Throws {@linkcode Invalid} with OpenAI's message for the first violation found. */
function checkStrict(root: Record<string, unknown>): void {
  if (root.type !== "object") {
    const got = root.type === undefined ? "None" : String(root.type);
    throw new Invalid(`schema must be a JSON Schema of 'type: "object"', got 'type: "${got}"'.`);
  }
  const defs = { ...asRecord(root.definitions), ...asRecord(root.$defs) };
  const tally = { properties: 0, enumValues: 0, chars: 0, depth: 0 };
  const visit = (node: unknown, path: Path, depth: number): void => {
    if (!isObject(node)) {
      throw new Invalid(`In context=${context(path)}, schema must be an object.`);
    }
    for (const key of Object.keys(node)) {
      if (!OPENAI_KEYWORDS.has(key)) {
        throw new Invalid(`In context=${context(path)}, '${key}' is not permitted.`);
      }
    }
    const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
    for (const t of types) {
      if (typeof t !== "string" || !JSON_TYPES.has(t)) {
        // (approximate)
        throw new Invalid(`In context=${context(path)}, '${String(t)}' is not a valid type.`);
      }
    }
    if (
      node.type === undefined && node.anyOf === undefined && node.enum === undefined &&
      node.const === undefined && node.$ref === undefined
    ) {
      throw new Invalid(`In context=${context(path)}, schema must have a 'type' key.`);
    }
    if (typeof node.format === "string" && !OPENAI_FORMATS.has(node.format)) {
      // (approximate)
      throw new Invalid(`In context=${context(path)}, '${node.format}' is not a valid format.`);
    }
    if (node.$ref !== undefined) checkRef(node.$ref, defs, path);
    if (node.enum !== undefined) {
      if (!Array.isArray(node.enum) || node.enum.length === 0) {
        // (approximate)
        throw new Invalid(`In context=${context(path)}, 'enum' must be a non-empty array.`);
      }
      tally.enumValues += node.enum.length;
      const strings = node.enum.filter((v): v is string => typeof v === "string");
      const chars = strings.reduce((n, s) => n + s.length, 0);
      tally.chars += node.enum.reduce((n: number, v) => n + String(v).length, 0);
      if (strings.length > OPENAI_LIMITS.largeEnum && chars > OPENAI_LIMITS.largeEnumChars) {
        // (approximate)
        throw new Invalid(
          `In context=${
            context(path)
          }, an enum of ${strings.length} string values has ${chars} characters, which exceeds limit of ${OPENAI_LIMITS.largeEnumChars} for enums of more than ${OPENAI_LIMITS.largeEnum} values.`,
        );
      }
    }
    if (node.const !== undefined) tally.chars += String(node.const).length;
    if (node.anyOf !== undefined) {
      if (!Array.isArray(node.anyOf) || node.anyOf.length === 0) {
        // (approximate)
        throw new Invalid(`In context=${context(path)}, 'anyOf' must be a non-empty array.`);
      }
      node.anyOf.forEach((branch, i) => visit(branch, [...path, "anyOf", i], depth));
    }
    const isObjectNode = types.includes("object") || node.properties !== undefined;
    let inner = depth;
    if (isObjectNode) {
      inner = depth + 1;
      tally.depth = Math.max(tally.depth, inner);
      if (node.additionalProperties !== false) {
        throw new Invalid(
          `In context=${
            context(path)
          }, 'additionalProperties' is required to be supplied and to be false.`,
        );
      }
      const properties = node.properties === undefined ? {} : node.properties;
      if (!isObject(properties)) {
        // (approximate)
        throw new Invalid(`In context=${context(path)}, 'properties' must be an object.`);
      }
      const keys = Object.keys(properties);
      const required = node.required;
      const missing = Array.isArray(required) ? keys.find((k) => !required.includes(k)) : keys[0];
      if (missing !== undefined || (required !== undefined && !Array.isArray(required))) {
        throw new Invalid(
          `In context=${
            context(path)
          }, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`,
        );
      }
      const extra = Array.isArray(required)
        ? required.find((k) => typeof k !== "string" || !keys.includes(k))
        : undefined;
      if (extra !== undefined) {
        // (approximate)
        throw new Invalid(
          `In context=${
            context(path)
          }, 'required' is required to be supplied and to be an array including every key in properties. Extra required key '${extra}' supplied.`,
        );
      }
      tally.properties += keys.length;
      for (const k of keys) {
        tally.chars += k.length;
        visit(properties[k], [...path, "properties", k], inner);
      }
    }
    if (node.items !== undefined) visit(node.items, [...path, "items"], inner);
    for (const group of ["$defs", "definitions"] as const) {
      if (node[group] === undefined) continue;
      if (!isObject(node[group])) {
        // (approximate)
        throw new Invalid(`In context=${context(path)}, '${group}' must be an object.`);
      }
      for (const [k, v] of Object.entries(node[group])) {
        tally.chars += k.length;
        visit(v, [...path, group, k], 0);
      }
    }
  };
  visit(root, [], 0);
  if (tally.depth > OPENAI_LIMITS.depth) {
    throw new Invalid(`${tally.depth} levels of nesting exceeds limit of ${OPENAI_LIMITS.depth}.`);
  }
  if (tally.properties > OPENAI_LIMITS.properties) {
    throw new Invalid(
      `${tally.properties} parameters exceeds limit of ${OPENAI_LIMITS.properties}.`,
    );
  }
  if (tally.enumValues > OPENAI_LIMITS.enumValues) {
    // (approximate)
    throw new Invalid(
      `${tally.enumValues} enum values exceeds limit of ${OPENAI_LIMITS.enumValues}.`,
    );
  }
  if (tally.chars > OPENAI_LIMITS.stringChars) {
    // (approximate)
    throw new Invalid(
      `${tally.chars} characters of property names, definition names, enum values and const values exceeds limit of ${OPENAI_LIMITS.stringChars}.`,
    );
  }
}

function asRecord(v: unknown): Record<string, unknown> {
  return isObject(v) ? v : {};
}

/** A `$ref` must point at the root (`#`) or at a definition. */
function checkRef(ref: unknown, defs: Record<string, unknown>, path: Path): void {
  const target = typeof ref === "string" ? /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref) : null;
  if (ref === "#" || (target && Object.hasOwn(defs, target[1]))) return;
  // (approximate)
  throw new Invalid(`In context=${context(path)}, reference '${String(ref)}' can't be resolved.`);
}

/** A tool name as Anthropic documents it. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

const TOOL_CHOICES = ["auto", "any", "tool", "none"];

/**
 * What Anthropic would refuse in a Messages request's `tools` and `tool_choice`: the message
 * of its 400 answer, or `null`. Each custom tool needs a name matching
 * `^[a-zA-Z0-9_-]{1,64}$` (unique among the tools) and an `input_schema` that is a JSON
 * Schema object with `type: "object"` and no `oneOf`/`allOf`/`anyOf` at its top; a
 * `tool_choice` is `auto`, `any`, `none`, or `tool` naming one of the tools, and needs tools.
 *
 * @param body The request body.
 * @returns The error message, or `null`.
 * @example
 * ```ts
 * import { anthropicToolsProblem } from "./strict_schema.ts";
 * console.log(anthropicToolsProblem({
 *   tools: [{ name: "a.b", input_schema: { type: "object" } }],
 * }));
 * // tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'
 * ```
 */
export function anthropicToolsProblem(body: Record<string, unknown>): string | null {
  const { tools, tool_choice: choice } = body;
  const names: string[] = [];
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return "tools: Input should be a valid list";
    for (const [i, tool] of tools.entries()) {
      if (!isObject(tool)) {
        return `tools.${i}: Input should be a valid dictionary or object to extract fields from`;
      }
      if (tool.type !== undefined && tool.type !== null && tool.type !== "custom") {
        if (typeof tool.name === "string") names.push(tool.name);
        continue; // a server tool (bash, web search, ...): its own rules
      }
      const at = `tools.${i}.custom`;
      if (tool.name === undefined) return `${at}.name: Field required`;
      if (typeof tool.name !== "string") return `${at}.name: Input should be a valid string`;
      if (!TOOL_NAME.test(tool.name)) {
        return `${at}.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`;
      }
      names.push(tool.name);
      const schema = tool.input_schema;
      if (schema === undefined) return `${at}.input_schema: Field required`;
      if (!isObject(schema)) return `${at}.input_schema: Input should be a valid dictionary`;
      if (schema.type !== "object") return `${at}.input_schema.type: Input should be 'object'`;
      if (["oneOf", "allOf", "anyOf"].some((k) => k in schema)) {
        return `${at}.input_schema: input_schema does not support oneOf, allOf, or anyOf at the top level`;
      }
      if (!isJsonSchema(schema)) {
        return `${at}.input_schema: JSON schema is invalid. It must match JSON Schema draft 2020-12 (https://json-schema.org/draft/2020-12). Learn more about tool use at https://docs.claude.com/en/docs/tool-use.`;
      }
    }
    if (new Set(names).size !== names.length) return "tools: Tool names must be unique.";
  }
  if (choice === undefined) return null;
  if (!isObject(choice)) {
    return "tool_choice: Input should be a valid dictionary or object to extract fields from";
  }
  if (!TOOL_CHOICES.includes(choice.type as string)) {
    // (approximate: pydantic's discriminated-union message)
    return `tool_choice: Input tag '${
      String(choice.type)
    }' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'`;
  }
  if (choice.type !== "none" && names.length === 0) {
    return "tool_choice may only be specified while providing tools.";
  }
  if (choice.type === "tool") {
    if (typeof choice.name !== "string") return "tool_choice.tool.name: Field required";
    if (!names.includes(choice.name)) {
      // (approximate)
      return `tool_choice.tool.name: Tool '${choice.name}' not found in tools.`;
    }
  }
  return null;
}

/**
 * A structural check of a JSON Schema (draft 2020-12): every subschema an object or a
 * boolean, `type` a known type name or a list of them, and the applicator and validation
 * keywords Anthropic's models read of the right shape. It does not resolve `$ref`s.
 */
function isJsonSchema(node: unknown): boolean {
  if (typeof node === "boolean") return true;
  if (!isObject(node)) return false;
  const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  if (!types.every((t) => typeof t === "string" && JSON_TYPES.has(t))) return false;
  if (node.properties !== undefined) {
    if (!isObject(node.properties) || !Object.values(node.properties).every(isJsonSchema)) {
      return false;
    }
  }
  if (node.required !== undefined) {
    const r = node.required;
    if (!Array.isArray(r) || !r.every((k) => typeof k === "string")) return false;
    if (new Set(r).size !== r.length) return false;
  }
  for (const k of ["items", "additionalProperties", "not", "if", "then", "else", "contains"]) {
    if (node[k] !== undefined && !isJsonSchema(node[k])) return false;
  }
  for (const k of ["anyOf", "allOf", "oneOf", "prefixItems"]) {
    const list = node[k];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0 || !list.every(isJsonSchema)) return false;
  }
  for (const k of ["$defs", "definitions", "patternProperties"]) {
    const map = node[k];
    if (map !== undefined && (!isObject(map) || !Object.values(map).every(isJsonSchema))) {
      return false;
    }
  }
  if (node.enum !== undefined && (!Array.isArray(node.enum) || node.enum.length === 0)) {
    return false;
  }
  for (const k of ["minItems", "maxItems", "minLength", "maxLength", "minProperties"]) {
    const n = node[k];
    if (n !== undefined && !(Number.isInteger(n) && (n as number) >= 0)) return false;
  }
  return true;
}
