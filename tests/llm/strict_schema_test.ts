/**
 * Structured-output schemas under the providers' wire rules: the local servers refuse what
 * OpenAI strict mode and Anthropic's tool checks refuse (with the providers' 400 bodies),
 * `replySchema()` refuses at build time what strict mode would refuse, and every engine's
 * reply schema goes through both real SDK clients and a whole run against the strict
 * servers.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { z } from "zod";
import { parseReply } from "../../lib/llm/parse.ts";
import { OpenAIChatModel } from "../../lib/llm/openai.ts";
import { AnthropicChatModel } from "../../lib/llm/anthropic.ts";
import type { ChatModel, ReplySchema } from "../../lib/llm/chat_model.ts";
import { replySchema } from "../../lib/llm/structured.ts";
import { MinerReplySchema, MinerWireSchema } from "../../lib/engines/blockchain/llm_miner.ts";
import { citizenReplySchema, citizenWireSchema } from "../../lib/engines/society/citizen.ts";
import { parseSocietyConfig } from "../../lib/engines/society/config.ts";
import { IpdReplySchema } from "../../lib/engines/ipd/llm_player.ts";
import { providerReplySchema } from "../../lib/engines/delegation/llm_provider.ts";
import { parseDelegationConfig } from "../../lib/engines/delegation/config.ts";
import {
  type LlmServer,
  startAnthropicServer,
  startOpenAIServer,
  type Step,
} from "../support/llm_servers.ts";
import { anthropicToolsProblem, openAIStrictSchemaProblem } from "../support/strict_schema.ts";
import { runCli } from "../support/cli.ts";

type Json = Record<string, unknown>;

/** A strict `response_format` carrying `schema`. */
const format = (schema: unknown, name = "r", strict = true) => ({
  type: "json_schema",
  json_schema: { name, strict, schema },
});

/** An object node closed as strict mode wants it. */
const obj = (properties: Record<string, unknown>, extra: Json = {}): Json => ({
  type: "object",
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
  ...extra,
});

const problem = (schema: unknown) => openAIStrictSchemaProblem(format(schema));

// ---------------------------------------------------------------------------------------
// OpenAI strict mode

Deno.test("openai strict: the documented valid forms are accepted", () => {
  // the docs' function example: an optional field as a union with null
  assert.equal(
    problem(obj({
      location: { type: "string", description: "The location" },
      unit: { type: ["string", "null"], enum: ["F", "C", null] },
    })),
    null,
  );
  // the docs' query example: anyOf of nested objects, enums, arrays of objects
  assert.equal(
    problem(obj({
      table_name: { type: "string", enum: ["orders"] },
      columns: { type: "array", items: { type: "string", enum: ["id", "status"] } },
      conditions: {
        type: "array",
        items: obj({
          column: { type: "string" },
          operator: { type: "string", enum: ["=", ">", "<"] },
          value: {
            anyOf: [
              { type: "string" },
              { type: "number" },
              obj({ column_name: { type: "string" } }),
            ],
          },
        }),
      },
      order_by: { type: "string", enum: ["asc", "desc"] },
    })),
    null,
  );
  // definitions, $ref, recursion to the root, and every supported keyword
  assert.equal(
    problem(obj({
      step: { $ref: "#/$defs/step" },
      legacy: { $ref: "#/definitions/old" },
      child: { anyOf: [{ $ref: "#" }, { type: "null" }] },
      email: { type: "string", format: "email", pattern: "^.+@.+$" },
      when: { type: "string", format: "date-time" },
      n: { type: "integer", minimum: 0, maximum: 9, multipleOf: 1 },
      x: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
      v: { type: "array", items: { type: "number" }, minItems: 3, maxItems: 3 },
      k: { const: "fixed" },
      e: { enum: ["a", 1, true, null] },
    }, {
      title: "t",
      description: "d",
      $defs: { step: obj({ explanation: { type: "string" } }) },
      definitions: { old: { type: "boolean" } },
    })),
    null,
  );
  // an empty closed object is fine; so is any schema when strict is off, and other formats
  assert.equal(problem(obj({})), null);
  assert.equal(openAIStrictSchemaProblem(format({ type: "object" }, "r", false)), null);
  assert.equal(openAIStrictSchemaProblem({ type: "json_object" }), null);
  assert.equal(openAIStrictSchemaProblem({ type: "text" }), null);
});

Deno.test("openai strict: each documented violation is refused with OpenAI's message", () => {
  const cases: [unknown, string][] = [
    [
      format(obj({}), "a.b"),
      "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
    ],
    [
      format(obj({}), "n".repeat(65)),
      "Invalid 'response_format.json_schema.name': string too long. Expected a string with maximum length 64, but got a string with length 65 instead.",
    ],
    [
      { type: "json_schema", json_schema: { strict: true, schema: obj({}) } },
      "Missing required parameter: 'response_format.json_schema.name'.",
    ],
    [
      { type: "object" },
      "Invalid value: 'object'. Supported values are: 'json_object', 'json_schema', and 'text'.",
    ],
    [
      format({ type: "array", items: { type: "string" } }),
      `Invalid schema for response_format 'r': schema must be a JSON Schema of 'type: "object"', got 'type: "array"'.`,
    ],
    [
      format({ anyOf: [obj({ a: { type: "string" } }), obj({ b: { type: "string" } })] }),
      `Invalid schema for response_format 'r': schema must be a JSON Schema of 'type: "object"', got 'type: "None"'.`,
    ],
    [
      format({ type: "object", properties: { a: { type: "string" } }, required: ["a"] }),
      "Invalid schema for response_format 'r': In context=(), 'additionalProperties' is required to be supplied and to be false.",
    ],
    [
      format(obj({ a: { ...obj({ b: { type: "string" } }), additionalProperties: true } })),
      "Invalid schema for response_format 'r': In context=('properties', 'a'), 'additionalProperties' is required to be supplied and to be false.",
    ],
    [
      format(
        obj({ a: { type: "object", properties: {}, additionalProperties: { type: "number" } } }),
      ),
      "Invalid schema for response_format 'r': In context=('properties', 'a'), 'additionalProperties' is required to be supplied and to be false.",
    ],
    [
      format({ ...obj({ a: { type: "string" }, b: { type: "string" } }), required: ["a"] }),
      "Invalid schema for response_format 'r': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'b'.",
    ],
    [
      format(obj({
        xs: {
          type: "array",
          items: {
            type: "object",
            properties: { roles: { type: "string" } },
            additionalProperties: false,
          },
        },
      })),
      "Invalid schema for response_format 'r': In context=('properties', 'xs', 'items'), 'required' is required to be supplied and to be an array including every key in properties. Missing 'roles'.",
    ],
    [
      format({ ...obj({ a: { type: "string" } }), required: ["a", "z"] }),
      "Invalid schema for response_format 'r': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Extra required key 'z' supplied.",
    ],
    [
      format(obj({ request: {} })),
      "Invalid schema for response_format 'r': In context=('properties', 'request'), schema must have a 'type' key.",
    ],
    [
      format(obj({ xs: { type: "array", items: { description: "anything" } } })),
      "Invalid schema for response_format 'r': In context=('properties', 'xs', 'items'), schema must have a 'type' key.",
    ],
    [
      format(obj({ v: { anyOf: [{ type: "string" }, {}] } })),
      "Invalid schema for response_format 'r': In context=('properties', 'v', 'anyOf', 1), schema must have a 'type' key.",
    ],
    [
      format(obj({ s: { type: "string", format: "uri" } })),
      "Invalid schema for response_format 'r': In context=('properties', 's'), 'uri' is not a valid format.",
    ],
    [
      format(obj({ s: { $ref: "#/$defs/missing" } })),
      "Invalid schema for response_format 'r': In context=('properties', 's'), reference '#/$defs/missing' can't be resolved.",
    ],
  ];
  for (const [rf, message] of cases) assert.equal(openAIStrictSchemaProblem(rf), message);

  // keywords outside the supported subset, wherever they are
  const unsupported: [string, unknown][] = [
    ["default", "x"],
    ["allOf", [{ type: "string" }]],
    ["not", { type: "number" }],
    ["oneOf", [{ type: "string" }]],
    ["if", { type: "string" }],
    ["then", { type: "string" }],
    ["else", { type: "string" }],
    ["dependentRequired", {}],
    ["dependentSchemas", {}],
    ["patternProperties", {}],
    ["unevaluatedProperties", false],
    ["propertyNames", { type: "string" }],
    ["minProperties", 1],
    ["maxProperties", 1],
    ["minLength", 1],
    ["maxLength", 9],
    ["uniqueItems", true],
    ["prefixItems", [{ type: "string" }]],
    ["contains", { type: "string" }],
    ["examples", ["x"]],
  ];
  for (const [key, value] of unsupported) {
    assert.equal(
      problem(obj({ a: { type: "string", [key]: value } })),
      `Invalid schema for response_format 'r': In context=('properties', 'a'), '${key}' is not permitted.`,
      key,
    );
  }
  assert.equal(
    problem({ ...obj({}), allOf: [obj({})] }),
    "Invalid schema for response_format 'r': In context=(), 'allOf' is not permitted.",
  );
});

/** `levels` objects nested one in another, the root included. */
function nested(levels: number): Json {
  let node: Json = obj({ leaf: { type: "string" } });
  for (let i = 1; i < levels; i++) node = obj({ next: node });
  return node;
}

Deno.test("openai strict: the size limits (5,000 properties, 10 levels, enums, characters)", () => {
  assert.equal(problem(nested(10)), null);
  assert.equal(
    problem(nested(11)),
    "Invalid schema for response_format 'r': 11 levels of nesting exceeds limit of 10.",
  );
  // arrays and anyOf do not add levels; objects inside them do
  assert.equal(problem(obj({ xs: { type: "array", items: nested(9) } })), null);
  assert.match(problem(obj({ v: { anyOf: [nested(10), { type: "null" }] } }))!, /11 levels/);

  const props = (n: number, width = 1) =>
    Object.fromEntries(
      Array.from(
        { length: n },
        (_, i) => [`p${String(i).padStart(width, "0")}`, { type: "string" }],
      ),
    );
  assert.equal(problem(obj(props(5000))), null);
  assert.equal(
    problem(obj(props(5001))),
    "Invalid schema for response_format 'r': 5001 parameters exceeds limit of 5000.",
  );
  // characters of property names: 4,000 names of 31 characters are over 120,000
  assert.equal(problem(obj(props(4000, 28))), null); // 4000 * 29 = 116,000
  assert.match(problem(obj(props(4000, 30)))!, /124000 characters .* exceeds limit of 120000/);

  const values = (n: number, width: number) =>
    Array.from({ length: n }, (_, i) => String(i).padStart(width, "x"));
  assert.equal(problem(obj({ e: { type: "string", enum: values(1000, 4) } })), null);
  assert.match(
    problem(obj({ e: { type: "string", enum: values(1001, 4) } }))!,
    /1001 enum values exceeds limit of 1000/,
  );
  // a string enum of more than 250 values holds at most 15,000 characters
  assert.equal(problem(obj({ e: { type: "string", enum: values(250, 100) } })), null);
  assert.equal(problem(obj({ e: { type: "string", enum: values(251, 59) } })), null);
  assert.match(
    problem(obj({ e: { type: "string", enum: values(251, 60) } }))!,
    /251 string values has 15060 characters, which exceeds limit of 15000/,
  );
});

// ---------------------------------------------------------------------------------------
// Anthropic tools

const tool = (name: string, input_schema: unknown = { type: "object", properties: {} }) => ({
  name,
  description: "d",
  input_schema,
});

Deno.test("anthropic tools: the documented valid forms are accepted", () => {
  const tools = [tool("get_weather-2"), tool("x".repeat(64), { type: "object" })];
  for (const choice of [undefined, { type: "auto" }, { type: "any" }, { type: "none" }]) {
    assert.equal(anthropicToolsProblem({ tools, tool_choice: choice }), null);
  }
  assert.equal(
    anthropicToolsProblem({ tools, tool_choice: { type: "tool", name: "get_weather-2" } }),
    null,
  );
  assert.equal(anthropicToolsProblem({}), null);
  assert.equal(anthropicToolsProblem({ tool_choice: { type: "none" } }), null);
  // any JSON Schema is allowed below the top: no strict subset for plain tools
  assert.equal(
    anthropicToolsProblem({
      tools: [tool("t", {
        type: "object",
        properties: { a: {}, b: { anyOf: [{ type: "string" }, { type: "null" }] }, c: true },
        required: ["a"],
        additionalProperties: true,
      })],
    }),
    null,
  );
  // a server tool has its own rules
  assert.equal(anthropicToolsProblem({ tools: [{ type: "bash_20250124", name: "bash" }] }), null);
});

Deno.test("anthropic tools: each violation is refused with Anthropic's message", () => {
  const cases: [Json, string][] = [
    [
      { tools: [tool("a.b")] },
      "tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'",
    ],
    [
      { tools: [tool("ok"), tool("x".repeat(65))] },
      "tools.1.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'",
    ],
    [{ tools: [{ input_schema: { type: "object" } }] }, "tools.0.custom.name: Field required"],
    [{ tools: [{ name: "t" }] }, "tools.0.custom.input_schema: Field required"],
    [
      { tools: [tool("t", "object")] },
      "tools.0.custom.input_schema: Input should be a valid dictionary",
    ],
    [
      { tools: [tool("t", { type: "array" })] },
      "tools.0.custom.input_schema.type: Input should be 'object'",
    ],
    [
      { tools: [tool("t", { type: "object", anyOf: [{ required: ["a"] }] })] },
      "tools.0.custom.input_schema: input_schema does not support oneOf, allOf, or anyOf at the top level",
    ],
    [{ tools: [tool("t"), tool("t")] }, "tools: Tool names must be unique."],
    [{ tools: "t" }, "tools: Input should be a valid list"],
    [
      { tools: [tool("t")], tool_choice: { type: "required" } },
      "tool_choice: Input tag 'required' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'",
    ],
    [
      { tools: [tool("t")], tool_choice: { type: "tool" } },
      "tool_choice.tool.name: Field required",
    ],
    [
      { tools: [tool("t")], tool_choice: { type: "tool", name: "u" } },
      "tool_choice.tool.name: Tool 'u' not found in tools.",
    ],
    [{ tool_choice: { type: "any" } }, "tool_choice may only be specified while providing tools."],
  ];
  for (const [body, message] of cases) assert.equal(anthropicToolsProblem(body), message);
  const invalid =
    "tools.0.custom.input_schema: JSON schema is invalid. It must match JSON Schema draft 2020-12 (https://json-schema.org/draft/2020-12). Learn more about tool use at https://docs.claude.com/en/docs/tool-use.";
  for (
    const schema of [
      { type: "object", properties: { a: { type: "str" } } },
      { type: "object", properties: { a: "string" } },
      { type: "object", required: "a" },
      { type: "object", required: ["a", "a"] },
      { type: "object", properties: { a: { type: "array", items: 3 } } },
      { type: "object", properties: { a: { enum: [] } } },
      { type: "object", properties: { a: { type: "string", minLength: -1 } } },
    ]
  ) {
    assert.equal(
      anthropicToolsProblem({ tools: [tool("t", schema)] }),
      invalid,
      JSON.stringify(schema),
    );
  }
});

// ---------------------------------------------------------------------------------------
// The servers answer the providers' 400 bodies, whatever the step

async function post(server: LlmServer, path: string, body: unknown): Promise<Response> {
  return await fetch(`${server.baseURL}${path}`, { method: "POST", body: JSON.stringify(body) });
}

Deno.test("servers: a refused schema is a 400 with the provider's body, whatever the step", async () => {
  await using openai = startOpenAIServer([{ reply: "hi" }]);
  const bad = await post(openai, "/chat/completions", {
    model: "m",
    messages: [],
    response_format: format(obj({ a: {} }), "society_reply"),
  });
  assert.equal(bad.status, 400);
  assert.deepEqual(await bad.json(), {
    error: {
      message:
        "Invalid schema for response_format 'society_reply': In context=('properties', 'a'), schema must have a 'type' key.",
      type: "invalid_request_error",
      param: "response_format",
      code: null,
    },
  });
  // the same plain step with a good schema, or none, is answered
  for (const rf of [format(obj({ a: { type: "string" } })), undefined]) {
    const ok = await post(openai, "/chat/completions", {
      model: "m",
      messages: [],
      response_format: rf,
    });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
  }

  await using anthropic = startAnthropicServer([{ delayMs: 60_000, then: { reply: "late" } }]);
  const res = await post(anthropic, "/v1/messages", {
    model: "m",
    max_tokens: 10,
    messages: [],
    tools: [tool("a.b")],
  });
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.match(body.request_id, /^req_/);
  assert.deepEqual(body, {
    type: "error",
    error: {
      type: "invalid_request_error",
      message: "tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'",
    },
    request_id: body.request_id,
  });
});

Deno.test("servers: a stallBody step sends the headers and half the body, then stalls", async () => {
  await using server = startOpenAIServer([{ stallBody: { ms: 600, reply: "slow" } }]);
  const t0 = performance.now();
  const res = await post(server, "/chat/completions", { model: "m", messages: [] });
  assert.equal(res.status, 200);
  assert.ok(performance.now() - t0 < 500, "the headers come at once");
  const reader = res.body!.getReader();
  const first = await reader.read();
  assert.ok(first.value && first.value.length > 0);
  assert.ok(performance.now() - t0 < 500, "the first half comes at once");
  const chunks = [first.value];
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    chunks.push(r.value);
  }
  assert.ok(performance.now() - t0 >= 590, "the rest waits for the stall");
  const text = new TextDecoder().decode(await new Blob(chunks).arrayBuffer());
  assert.equal(JSON.parse(text).choices[0].message.content, "slow");

  // a client that gives up mid-body sees the abort; the server closes without waiting
  await using slow = startOpenAIServer([{ stallBody: { ms: 60_000 } }]);
  const cut = await fetch(`${slow.baseURL}/chat/completions`, {
    method: "POST",
    body: "{}",
    signal: AbortSignal.timeout(200),
  });
  await assert.rejects(cut.text(), (e: Error) => e.name === "TimeoutError");
  const t1 = performance.now();
  await slow.close();
  assert.ok(performance.now() - t1 < 5_000);
});

// ---------------------------------------------------------------------------------------
// replySchema() refuses at build time what strict mode would refuse

Deno.test("replySchema: an untyped node throws, naming its JSON pointer", () => {
  assert.throws(
    () => replySchema("society_reply", citizenReplySchema(20)),
    (e: Error) =>
      e instanceof TypeError &&
      e.message ===
        "Cannot build reply schema 'society_reply': node at /properties/request has no type",
  );
  const untyped: [z.ZodType, string][] = [
    [z.object({ a: z.unknown() }), "/properties/a"],
    [z.object({ a: z.any() }), "/properties/a"],
    [z.object({ xs: z.array(z.unknown()) }), "/properties/xs/items"],
    [z.object({ "a/b": z.object({ c: z.unknown() }) }), "/properties/a~1b/properties/c"],
    [z.object({ u: z.union([z.string(), z.unknown()]) }), "/properties/u/anyOf/1"],
  ];
  for (const [schema, pointer] of untyped) {
    assert.throws(() => replySchema("r", schema), new RegExp(`node at ${pointer} has no type$`));
  }
});

Deno.test("replySchema: unsupported keywords and objects that cannot be closed throw", () => {
  const refused: [z.ZodType, RegExp][] = [
    [z.object({ a: z.string().default("x") }), /\/properties\/a uses 'default'/],
    [z.object({ a: z.string().min(1) }), /\/properties\/a uses 'minLength'/],
    [z.object({ a: z.tuple([z.string(), z.number()]) }), /\/properties\/a uses 'prefixItems'/],
    [
      z.object({ a: z.intersection(z.object({ b: z.string() }), z.object({ c: z.string() })) }),
      /\/properties\/a uses 'allOf'/,
    ],
    [z.object({ a: z.record(z.string(), z.number()) }), /\/properties\/a uses 'propertyNames'/],
    [
      z.object({ a: z.looseObject({ b: z.string() }) }),
      /\/properties\/a allows additional properties/,
    ],
    [z.object({ a: z.url() }), /\/properties\/a has format 'uri'/],
  ];
  for (const [schema, message] of refused) {
    assert.throws(
      () => replySchema("r", schema),
      (e: Error) => e instanceof TypeError && message.test(e.message),
    );
  }
  // the limits
  let deep: z.ZodType = z.object({ leaf: z.string() });
  for (let i = 1; i < 11; i++) deep = z.object({ next: deep });
  assert.throws(() => replySchema("r", deep), /nests 11 objects deep, over the limit of 10/);
  const wide = z.object(
    Object.fromEntries(Array.from({ length: 5001 }, (_, i) => [`p${i}`, z.string()])),
  );
  assert.throws(() => replySchema("r", wide), /5001 object properties, over the limit of 5000/);
  // still undefined (not an error) when there is no object schema to send
  assert.equal(replySchema("r", z.string().transform((x) => x.length)), undefined);
});

Deno.test("replySchema: optional properties become required and nullable", () => {
  const s = replySchema(
    "r",
    z.object({
      a: z.string(),
      b: z.string().optional(),
      c: z.enum(["x", "y"]).optional(),
      d: z.union([z.string(), z.number()]).optional(),
      e: z.string().nullish(),
      f: z.object({ g: z.number().optional() }).optional(),
    }),
  )!;
  const p = s.json.properties as Json;
  assert.deepEqual(s.json.required, ["a", "b", "c", "d", "e", "f"]);
  assert.deepEqual(p.a, { type: "string" });
  assert.deepEqual(p.b, { anyOf: [{ type: "string" }, { type: "null" }] });
  assert.deepEqual(p.c, { anyOf: [{ type: "string", enum: ["x", "y"] }, { type: "null" }] });
  assert.deepEqual(p.d, { anyOf: [{ type: "string" }, { type: "number" }, { type: "null" }] });
  assert.deepEqual(p.e, { anyOf: [{ type: "string" }, { type: "null" }] });
  assert.deepEqual(p.f, {
    anyOf: [{
      type: "object",
      properties: { g: { anyOf: [{ type: "number" }, { type: "null" }] } },
      required: ["g"],
      additionalProperties: false,
    }, { type: "null" }],
  });
  assert.equal(problem(s.json), null);
});

Deno.test("replySchema: whatever it builds, the strict servers accept", () => {
  const node = z.object({ name: z.string(), kids: z.array(z.lazy((): z.ZodType => node)) });
  const schemas: z.ZodType[] = [
    z.object({}),
    z.object({ a: z.number().int().min(0), b: z.boolean(), c: z.literal("k") }),
    z.object({ at: z.iso.datetime(), mail: z.email(), id: z.uuid() }),
    z.object({ v: z.array(z.number().min(0).max(1)).length(3) }),
    z.object({
      u: z.discriminatedUnion("kind", [
        z.object({ kind: z.literal("a"), x: z.number() }),
        z.object({ kind: z.literal("b"), y: z.string().optional() }),
      ]),
    }),
    z.object({ tree: node }),
    z.object({ n: z.string().nullable().describe("a note") }),
  ];
  for (const schema of schemas) {
    const s = replySchema("r", schema)!;
    assert.ok(s, JSON.stringify(z.toJSONSchema(schema)));
    assert.equal(problem(s.json), null, JSON.stringify(s.json));
    assert.equal(anthropicToolsProblem({ tools: [tool("r", s.json)] }), null);
  }
  // what strict mode refuses is never built: each of these throws rather than going out
  const refused: z.ZodType[] = [
    z.object({ a: z.unknown() }),
    z.object({ a: z.array(z.any()) }),
    z.object({ a: z.string().default("x") }),
    z.object({ a: z.string().max(9) }),
    z.object({ a: z.record(z.string(), z.string()) }),
    z.object({ a: z.tuple([z.string()]) }),
    z.object({ a: z.looseObject({}) }),
  ];
  for (const schema of refused) {
    let built: ReplySchema | undefined;
    try {
      built = replySchema("r", schema);
    } catch (e) {
      assert.ok(e instanceof TypeError, String(e));
      continue;
    }
    assert.fail(`built a schema the server refuses: ${problem(built?.json)}`);
  }
});

// ---------------------------------------------------------------------------------------
// Every engine's reply schema, through both SDK clients

/**
 * One instance of a strict schema. `k` picks the branch of an `anyOf`, the value of an
 * `enum` and the type of a type list (modulo their count); an array of `anyOf` items holds
 * one item of each branch; numbers sit mid-range.
 */
function sample(node: Json, k: number, root: Json): unknown {
  if (typeof node.$ref === "string") {
    const ref = node.$ref;
    const target = ref === "#" ? root : (root.$defs as Json)?.[ref.split("/").at(-1)!] as Json;
    return sample(target, k, root);
  }
  if (Array.isArray(node.anyOf)) return sample(node.anyOf[k % node.anyOf.length], k, root);
  if ("const" in node) return node.const;
  if (Array.isArray(node.enum)) return node.enum[k % node.enum.length];
  const type = Array.isArray(node.type) ? node.type[k % node.type.length] : node.type;
  const lo = typeof node.minimum === "number" ? node.minimum : 0;
  const hi = typeof node.maximum === "number" ? node.maximum : lo + 10;
  switch (type) {
    case "object":
      return Object.fromEntries(
        Object.entries((node.properties ?? {}) as Record<string, Json>)
          .map(([key, v]) => [key, sample(v, k, root)]),
      );
    case "array": {
      const items = node.items as Json;
      const branches = Array.isArray(items.anyOf) ? items.anyOf.length : 1;
      const n = Math.min(
        Math.max((node.minItems as number) ?? 1, branches),
        (node.maxItems as number) ?? Infinity,
      );
      return Array.from({ length: n }, (_, i) => sample(items, k + i, root));
    }
    case "string":
      return `text ${k}`;
    case "integer":
      return Math.min(hi, Math.max(lo, 1));
    case "number":
      return (lo + hi) / 2;
    case "boolean":
      return k % 2 === 0;
    default:
      return null;
  }
}

/** Instances covering every branch and enum value of `schema` (up to 6 of each). */
const samples = (schema: Json) => Array.from({ length: 6 }, (_, k) => sample(schema, k, schema));

const delegationModels = parseDelegationConfig({}).providers[0].models;
const societyConfig = parseSocietyConfig({});

/** Each engine's wire schema (sent) and parse schema (reading the reply). */
const ENGINES: { engine: string; name: string; wire: z.ZodType; parse: z.ZodType }[] = [
  { engine: "blockchain", name: "miner_reply", wire: MinerWireSchema, parse: MinerReplySchema },
  {
    engine: "society",
    name: "society_reply",
    wire: citizenWireSchema(societyConfig),
    parse: citizenReplySchema(societyConfig.fallback_request),
  },
  { engine: "ipd", name: "ipd_reply", wire: IpdReplySchema, parse: IpdReplySchema },
  {
    engine: "delegation",
    name: "provider_reply",
    wire: providerReplySchema(delegationModels),
    parse: providerReplySchema(delegationModels),
  },
];

/** A script answering each request with an instance of the schema it carries. */
function followSchema(schemaOf: (body: Json) => Json) {
  return (body: Json, i: number): Step => {
    const schema = schemaOf(body);
    return schema ? { structured: sample(schema, i, schema) } : { reply: "no schema sent" };
  };
}

const openAISchema = (body: Json) =>
  ((body.response_format as Json)?.json_schema as Json)?.schema as Json;
const anthropicSchema = (body: Json) =>
  ((body.tools as Json[] | undefined)?.[0]?.input_schema) as Json;

Deno.test("engines: every reply schema is accepted by both strict servers through the SDKs", async () => {
  await using openai = startOpenAIServer(followSchema(openAISchema));
  await using anthropic = startAnthropicServer(followSchema(anthropicSchema));
  const models: ChatModel[] = [
    new OpenAIChatModel({
      model: "gpt-4o-mini",
      apiKey: "k",
      baseURL: openai.baseURL,
      structured: true,
    }),
    new AnthropicChatModel({
      model: "claude-sonnet-4-5",
      apiKey: "k",
      baseURL: anthropic.baseURL,
      structured: true,
    }),
  ];
  for (const { engine, name, wire, parse } of ENGINES) {
    const schema: ReplySchema | undefined = replySchema(name, wire);
    assert.ok(schema, engine);
    assert.equal(problem(schema.json), null, engine);
    for (const model of models) {
      for (let k = 0; k < 2; k++) {
        const res = await model.complete({ messages: [{ role: "user", content: "go" }], schema });
        const parsed = parseReply(res.text, parse);
        assert.ok(
          parsed.ok,
          `${engine} via ${model.id}: ${!parsed.ok && parsed.error}: ${res.text}`,
        );
      }
    }
  }
  assert.ok(openai.requests.every((r) => (r.body.response_format as Json)?.type === "json_schema"));
  assert.ok(anthropic.requests.every((r) => (r.body.tool_choice as Json)?.type === "tool"));
});

Deno.test("engines: the parsers read every reply the strict schemas allow (nulls included)", () => {
  for (const { engine, name, wire, parse } of ENGINES) {
    const json = replySchema(name, wire)!.json;
    for (const value of samples(json)) {
      assert.ok(
        wire.safeParse(value).success,
        `${engine}: the wire schema allows ${JSON.stringify(value)}`,
      );
      const parsed = parseReply(JSON.stringify(value), parse);
      assert.ok(parsed.ok, `${engine}: ${!parsed.ok && parsed.error}: ${JSON.stringify(value)}`);
    }
  }
  // the samples reach the null branches and every society action shape
  const ipd = samples(replySchema("ipd_reply", IpdReplySchema)!.json) as Json[];
  assert.ok(ipd.some((v) => v.thought === null) && ipd.some((v) => typeof v.thought === "string"));
  const society = samples(
    replySchema("society_reply", citizenWireSchema(societyConfig))!.json,
  )[0] as {
    actions: { type: string }[];
  };
  assert.deepEqual(society.actions.map((a) => a.type).sort(), [
    "call_meeting",
    "do_nothing",
    "private_message",
    "propose",
    "vote",
  ]);
});

Deno.test("engines: the old society schema (untyped nodes) is a 400 from the strict OpenAI server", async () => {
  // what replySchema built for the society before: `request` and the action items untyped
  const old: ReplySchema = {
    name: "reply",
    json: obj({
      thought: { type: "string" },
      request: {},
      actions: { type: "array", items: {} },
      statement: { type: "string" },
    }),
  };
  await using openai = startOpenAIServer([{
    structured: { request: 1, actions: [], statement: "" },
  }]);
  const model = new OpenAIChatModel({
    model: "m",
    apiKey: "k",
    baseURL: openai.baseURL,
    structured: true,
  });
  await assert.rejects(
    model.complete({ messages: [{ role: "user", content: "go" }], schema: old }),
    /HTTP 400: Invalid schema for response_format 'reply': In context=\('properties', 'request'\), schema must have a 'type' key\./,
  );
  // and building it from the parse schema now fails at once, before any request
  assert.throws(
    () => replySchema("society_reply", citizenReplySchema(20)),
    /node at \/properties\/request has no type/,
  );
});

// ---------------------------------------------------------------------------------------
// One whole run per engine with structured output against the strict servers

const dir = await Deno.makeTempDir({ prefix: "lab-strict-" });

/** Runs `engine` with one OpenAI and one Anthropic seat (structured) plus `others`. */
async function structuredRun(
  engine: string,
  seats: [string, string],
  others: Json[],
  flags: string[],
): Promise<
  {
    rows: Json[];
    calls: Json[];
    openai: LlmServer;
    anthropic: LlmServer;
    close: () => Promise<void>;
  }
> {
  const openai = startOpenAIServer(followSchema(openAISchema));
  const anthropic = startAnthropicServer(followSchema(anthropicSchema));
  const agents = join(dir, `${engine}-agents.json`);
  await Deno.writeTextFile(
    agents,
    JSON.stringify({
      agents: [
        {
          name: seats[0],
          provider: "openai",
          model: "gpt-4o-mini",
          base_url: openai.baseURL,
          api_key: "k",
          structured: true,
        },
        {
          name: seats[1],
          provider: "anthropic",
          model: "claude-sonnet-4-5",
          base_url: anthropic.baseURL,
          api_key: "k",
          structured: true,
        },
        ...others,
      ],
    }),
  );
  const out = join(dir, engine);
  const r = await runCli([
    engine,
    "--agents",
    agents,
    ...flags,
    "--out",
    out,
    "--no-report",
    "--quiet",
  ]);
  const close = async () => {
    await openai.close();
    await anthropic.close();
  };
  if (r.code !== 0) {
    await close();
    assert.fail(`${engine} run failed (${r.code}): ${r.err}`);
  }
  const lines = async (file: string) =>
    (await Deno.readTextFile(join(out, file))).trim().split("\n").map((l) => JSON.parse(l) as Json);
  return {
    rows: await lines("decisions.jsonl"),
    calls: await lines("llm_calls.jsonl"),
    openai,
    anthropic,
    close,
  };
}

/**
 * Every request carried a schema the strict servers accept, every call's reply parsed at
 * once (no retry) and every LLM decision is the model's.
 */
function assertStructured(
  run: { rows: Json[]; calls: Json[]; openai: LlmServer; anthropic: LlmServer },
  seats: string[],
) {
  assert.ok(run.openai.count() > 0 && run.anthropic.count() > 0);
  for (const r of run.openai.requests) {
    const rf = r.body.response_format as Json;
    assert.equal((rf.json_schema as Json).strict, true);
    assert.equal(openAIStrictSchemaProblem(rf), null);
  }
  for (const r of run.anthropic.requests) assert.equal(anthropicToolsProblem(r.body), null);
  assert.equal(run.calls.length, run.openai.count() + run.anthropic.count());
  for (const c of run.calls) {
    assert.equal(c.parse_ok, true, JSON.stringify(c));
    assert.equal(c.purpose, "decision");
  }
  const mine = run.rows.filter((d) => seats.includes(d.agent as string));
  assert.ok(mine.length >= 2);
  for (const d of mine) {
    assert.equal(d.parse_ok, true, JSON.stringify(d));
    assert.notEqual(d.fallback, true, JSON.stringify(d));
  }
  return mine;
}

Deno.test("run: blockchain with structured output against the strict servers", async () => {
  const run = await structuredRun("blockchain", ["o", "a"], [{
    name: "c",
    provider: "policy",
    policy: "honest",
  }], [
    "--rounds",
    "2",
  ]);
  try {
    const mine = assertStructured(run, ["o", "a"]);
    // the replies were [0.5, 0.5, 0.5], played normalised
    for (const d of mine) assert.deepEqual(d.action, [1 / 3, 1 / 3, 1 / 3]);
  } finally {
    await run.close();
  }
});

Deno.test("run: society with structured output against the strict servers", async () => {
  const run = await structuredRun("society", ["alpha", "beta"], [
    { name: "gamma", provider: "policy", policy: "cooperative" },
    { name: "delta", provider: "policy", policy: "selfish" },
  ], ["--rounds", "2"]);
  try {
    const mine = assertStructured(run, ["alpha", "beta"]);
    // the schema named the seats of this game; the request came from the reply
    const rf = run.openai.requests[0].body.response_format as Json;
    const to = JSON.stringify((rf.json_schema as Json).schema);
    assert.match(to, /"enum":\["alpha","beta","gamma","delta"\]/);
    for (const d of mine) assert.equal(d.request, 1);
  } finally {
    await run.close();
  }
});

Deno.test("run: IPD with structured output against the strict servers (a null thought parses)", async () => {
  const run = await structuredRun("ipd", ["gpt", "claude"], [], ["--rounds", "2"]);
  try {
    const mine = assertStructured(run, ["gpt", "claude"]);
    // request 0 answers thought "text 0" and C, request 1 thought null and D
    assert.deepEqual(mine.map((d) => d.action).sort(), ["C", "C", "D", "D"]);
  } finally {
    await run.close();
  }
});

Deno.test("run: delegation with structured output against the strict servers", async () => {
  const run = await structuredRun("delegation", ["llm_1", "llm_2"], [
    { name: "p3", provider: "policy", policy: "honest" },
  ], ["--rounds", "40"]);
  try {
    assertStructured(run, ["llm_1", "llm_2"]);
  } finally {
    await run.close();
  }
});
