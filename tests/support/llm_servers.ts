/**
 * Local stand-ins for the OpenAI and Anthropic HTTP APIs, for tests. Each server listens on
 * 127.0.0.1 (random port), speaks the provider's real non-streaming wire format, records
 * every request and answers from a script of {@linkcode Step}s. Nothing here reaches a real
 * provider.
 *
 * Like the providers, the servers refuse a request whose structured-output schema the
 * provider would refuse, whatever the scripted step: the OpenAI server checks every
 * `response_format` as strict Structured Outputs do, the Anthropic server every `tools` and
 * `tool_choice` (rules and sources in `strict_schema.ts`), answering the provider's 400 body.
 *
 * @example
 * ```ts
 * import { startOpenAIServer } from "./llm_servers.ts";
 * await using server = startOpenAIServer([{ status: 429, retryAfter: 2 }, { reply: "hi" }]);
 * const res = await fetch(`${server.baseURL}/chat/completions`, {
 *   method: "POST",
 *   body: JSON.stringify({ model: "m", messages: [] }),
 * });
 * console.log(res.status, await res.json(), server.count()); // 429 {...} 1
 * ```
 * @module
 */
import type { ChatRequest } from "../../lib/llm/chat_model.ts";
import { countRequestTokens, countTokens } from "../../lib/llm/tokens.ts";
import { anthropicToolsProblem, openAIStrictSchemaProblem } from "./strict_schema.ts";

/** Usage to report instead of the tokenizer's count; provider-neutral, like `TokenUsage`. */
export interface StepUsage {
  /** All input tokens, cached ones included. */
  input?: number;
  /** Output tokens. */
  output?: number;
  /** Input tokens read from the prompt cache. */
  cached?: number;
  /** Input tokens written to the prompt cache (Anthropic only). */
  cacheWrite?: number;
}

/** One scripted answer. */
export type Step =
  /** A valid completion whose text is `reply`. */
  | { reply: string; usage?: StepUsage; model?: string }
  /** A provider error with its real body shape; `retryAfter` in seconds, or an HTTP date. */
  | { status: number; retryAfter?: number | string; retryAfterMs?: number; message?: string }
  /** Waits `delayMs` (or until the server closes), then answers with `then`. */
  | { delayMs: number; then: Step }
  /** 200 with a truncated JSON body. */
  | { brokenJson: true }
  /** 200, a valid envelope whose content is nonsense text. */
  | { garbage: string }
  /** 200 with an arbitrary JSON body, e.g. a completion without choices. */
  | { json: unknown }
  /** The connection dies: headers go out, then the body stream errors. */
  | { reset: true }
  /**
   * 200 and the headers at once, then the first half of a valid completion (of `reply`,
   * default `"stalled"`); the rest follows after `ms`: a body that stalls mid-way, for
   * timeout tests. Closing the server ends the stall (the client then sees the connection
   * drop); a client that goes away ends it too.
   */
  | { stallBody: { ms: number; reply?: string } }
  /**
   * Structured output: the request must carry a schema (OpenAI `response_format`
   * json_schema, Anthropic a tool forced by `tool_choice`), else the answer is a 400; the
   * reply is `value` as the provider sends it (JSON content, or a `tool_use` block).
   */
  | { structured: unknown; usage?: StepUsage };

/** A script: steps in order (the last repeats), or a function of the parsed body and index. */
export type ServerScript =
  | readonly Step[]
  | ((body: Record<string, unknown>, index: number) => Step);

/** A request as the server saw it. */
export interface RecordedRequest {
  /** The HTTP method. */
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The parsed JSON body (`{}` when it was not JSON). */
  body: Record<string, unknown>;
}

/** A running protocol server. */
export interface LlmServer extends AsyncDisposable {
  /** What to pass as the SDK's `baseURL`. */
  readonly baseURL: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Requests received so far. */
  count(): number;
  /** Stops the server; pending slow replies are cut short. */
  close(): Promise<void>;
}

interface Dialect {
  name: string;
  path: string;
  baseURL(origin: string): string;
  completion(body: Record<string, unknown>, text: string, usage: Required<StepUsage>): unknown;
  error(status: number, message?: string): unknown;
  requestTokens(body: Record<string, unknown>): number;
  headers: Record<string, string>;
  /** What is wrong with the request's structured-output schema, or `null` when it is sent. */
  schemaProblem(body: Record<string, unknown>): string | null;
  /** What the provider refuses in the request whatever the step (its 400 message), or `null`. */
  requestProblem(body: Record<string, unknown>): string | null;
  /** The provider's 400 body for a refused request. */
  invalidRequest(message: string): unknown;
  /** A completion carrying `value` in the provider's structured form. */
  structured(body: Record<string, unknown>, value: unknown, usage: Required<StepUsage>): unknown;
}

/**
 * Starts a server speaking the OpenAI Chat Completions API (`POST /v1/chat/completions`).
 *
 * @param script The answers to give.
 * @returns The running server; its `baseURL` ends in `/v1`, as the `openai` SDK expects.
 * @example
 * ```ts
 * import { startOpenAIServer } from "./llm_servers.ts";
 * await using server = startOpenAIServer([{ reply: "ok" }]);
 * console.log(server.baseURL); // http://127.0.0.1:PORT/v1
 * ```
 */
export function startOpenAIServer(script: ServerScript): LlmServer {
  return start(script, OPENAI);
}

/**
 * Starts a server speaking the Anthropic Messages API (`POST /v1/messages`).
 *
 * @param script The answers to give.
 * @returns The running server; its `baseURL` has no `/v1`, as `@anthropic-ai/sdk` expects.
 * @example
 * ```ts
 * import { startAnthropicServer } from "./llm_servers.ts";
 * await using server = startAnthropicServer([{ status: 529 }]);
 * console.log(server.baseURL); // http://127.0.0.1:PORT
 * ```
 */
export function startAnthropicServer(script: ServerScript): LlmServer {
  return start(script, ANTHROPIC);
}

function start(script: ServerScript, dialect: Dialect): LlmServer {
  if (Array.isArray(script) && script.length === 0) {
    throw new RangeError("Cannot start a server: the script is empty");
  }
  const requests: RecordedRequest[] = [];
  const closing = new AbortController();

  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const text = await req.text();
    let body: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed;
    } catch {
      // recorded as {}
    }
    const index = requests.length;
    requests.push({
      method: req.method,
      path: url.pathname + url.search,
      headers: Object.fromEntries(req.headers),
      body,
    });
    if (req.method !== "POST" || url.pathname !== dialect.path) {
      return json(404, dialect.error(404, `Unknown route ${req.method} ${url.pathname}`));
    }
    const problem = dialect.requestProblem(body);
    if (problem) return json(400, dialect.invalidRequest(problem));
    const step = typeof script === "function"
      ? script(body, index)
      : (script as readonly Step[])[Math.min(index, script.length - 1)];
    return await answer(step, body);
  };

  const answer = async (step: Step, body: Record<string, unknown>): Promise<Response> => {
    if ("delayMs" in step) {
      // Not cut short by `request.signal`: Deno.serve warns about that signal's legacy
      // behaviour. Closing the server is what cuts a pending delay short.
      const finished = await delay(step.delayMs, closing.signal);
      if (!finished) return json(503, dialect.error(503, "Server closing"));
      return answer(step.then, body);
    }
    if ("status" in step) {
      const headers: Record<string, string> = {};
      if (step.retryAfter !== undefined) headers["retry-after"] = String(step.retryAfter);
      if (step.retryAfterMs !== undefined) headers["retry-after-ms"] = String(step.retryAfterMs);
      return json(step.status, dialect.error(step.status, step.message), headers);
    }
    if ("brokenJson" in step) {
      const whole = JSON.stringify(dialect.completion(body, "truncated", fullUsage(body, "")));
      return new Response(whole.slice(0, Math.floor(whole.length / 2)), {
        headers: { "content-type": "application/json", ...dialect.headers },
      });
    }
    if ("json" in step) return json(200, step.json);
    if ("structured" in step) {
      const problem = dialect.schemaProblem(body);
      if (problem) return json(400, dialect.error(400, `structured output expected: ${problem}`));
      const text = JSON.stringify(step.structured);
      return json(
        200,
        dialect.structured(body, step.structured, fullUsage(body, text, step.usage)),
      );
    }
    if ("stallBody" in step) return stalled(step.stallBody, body);
    if ("reset" in step) {
      // Deno.serve cannot drop a socket; promising more bytes than are sent makes the
      // connection die mid-body, which the client sees as a reset.
      const partial = new TextEncoder().encode('{"id": "partial');
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(partial);
          controller.close();
        },
      });
      return new Response(stream, {
        headers: {
          "content-type": "application/json",
          "content-length": String(partial.length + 512),
          ...dialect.headers,
        },
      });
    }
    const text = "garbage" in step ? step.garbage : step.reply;
    const usage = fullUsage(body, text, "reply" in step ? step.usage : undefined);
    const completion = dialect.completion(body, text, usage) as Record<string, unknown>;
    if ("reply" in step && step.model) completion.model = step.model;
    return json(200, completion);
  };

  const stalled = (
    { ms, reply = "stalled" }: { ms: number; reply?: string },
    body: Record<string, unknown>,
  ): Response => {
    const whole = new TextEncoder().encode(
      JSON.stringify(dialect.completion(body, reply, fullUsage(body, reply))),
    );
    const half = Math.floor(whole.length / 2);
    const cancelled = new AbortController();
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(whole.subarray(0, half));
        // Closing the server (or the client going away) cuts the stall short.
        await delay(ms, AbortSignal.any([closing.signal, cancelled.signal]));
        if (cancelled.signal.aborted) return;
        controller.enqueue(whole.subarray(half));
        controller.close();
      },
      cancel() {
        cancelled.abort();
      },
    });
    return new Response(stream, {
      headers: {
        "content-type": "application/json",
        "content-length": String(whole.length),
        ...dialect.headers,
      },
    });
  };

  const fullUsage = (
    body: Record<string, unknown>,
    text: string,
    usage?: StepUsage,
  ): Required<StepUsage> => ({
    input: usage?.input ?? dialect.requestTokens(body),
    output: usage?.output ?? countTokens(text),
    cached: usage?.cached ?? 0,
    cacheWrite: usage?.cacheWrite ?? 0,
  });

  const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(value), {
      status,
      headers: { "content-type": "application/json", ...dialect.headers, ...headers },
    });

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {}, signal: closing.signal },
    handler,
  );
  const origin = `http://127.0.0.1:${server.addr.port}`;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      closing.abort();
      await server.finished;
    })();
    return closed;
  };
  return {
    baseURL: dialect.baseURL(origin),
    requests,
    count: () => requests.length,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Resolves `true` after `ms`, or `false` as soon as `signal` aborts; never leaves a timer. */
function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((b) => (b && typeof b.text === "string" ? b.text : "")).join("");
  }
  return "";
}

function messagesOf(body: Record<string, unknown>): { role: string; content: unknown }[] {
  return Array.isArray(body.messages) ? body.messages : [];
}

let serial = 0;
const nextId = () => (++serial).toString(36).padStart(8, "0");

const OPENAI: Dialect = {
  name: "openai",
  path: "/v1/chat/completions",
  baseURL: (origin) => `${origin}/v1`,
  headers: { "openai-processing-ms": "7", "openai-version": "2020-10-01" },
  requestTokens(body) {
    const all = messagesOf(body);
    const request: ChatRequest = {
      system: all.filter((m) => m.role === "system" || m.role === "developer")
        .map((m) => textOf(m.content)).join("\n") || undefined,
      messages: all.filter((m) => m.role === "user" || m.role === "assistant")
        .map((m) => ({ role: m.role as "user" | "assistant", content: textOf(m.content) })),
    };
    return countRequestTokens(request);
  },
  schemaProblem(body) {
    const rf = body.response_format as
      | { type?: string; json_schema?: { name?: string; strict?: boolean; schema?: unknown } }
      | undefined;
    if (rf?.type !== "json_schema") return "no response_format of type json_schema";
    if (!rf.json_schema?.name || rf.json_schema.strict !== true) return "no strict named schema";
    const schema = rf.json_schema.schema as { type?: string } | undefined;
    return schema?.type === "object" ? null : "the schema is not an object schema";
  },
  requestProblem(body) {
    return body.response_format === undefined
      ? null
      : openAIStrictSchemaProblem(body.response_format);
  },
  invalidRequest(message) {
    return {
      error: { message, type: "invalid_request_error", param: "response_format", code: null },
    };
  },
  structured(body, value, usage) {
    return OPENAI.completion(body, JSON.stringify(value), usage);
  },
  completion(body, text, usage) {
    return {
      id: `chatcmpl-test${nextId()}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: typeof body.model === "string" ? body.model : "gpt-4o-mini-2024-07-18",
      choices: [{
        index: 0,
        message: { role: "assistant", content: text, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: "stop",
      }],
      usage: {
        prompt_tokens: usage.input,
        completion_tokens: usage.output,
        total_tokens: usage.input + usage.output,
        prompt_tokens_details: { cached_tokens: usage.cached, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
      service_tier: "default",
      system_fingerprint: "fp_test",
    };
  },
  error(status, message) {
    const [type, code, text] = status === 429
      ? [
        "requests",
        "rate_limit_exceeded",
        "Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1.",
      ]
      : status === 401
      ? ["invalid_request_error", "invalid_api_key", "Incorrect API key provided."]
      : status === 404
      ? ["invalid_request_error", "not_found", "Not found."]
      : status === 503
      ? ["server_error", null, "The engine is currently overloaded, please try again later."]
      : status >= 500
      ? [
        "server_error",
        null,
        "The server had an error while processing your request. Sorry about that!",
      ]
      : ["invalid_request_error", null, "Invalid request."];
    return { error: { message: message ?? text, type, param: null, code } };
  },
};

const ANTHROPIC: Dialect = {
  name: "anthropic",
  path: "/v1/messages",
  baseURL: (origin) => origin,
  headers: { "anthropic-organization-id": "org-test" },
  requestTokens(body) {
    const request: ChatRequest = {
      system: textOf(body.system) || undefined,
      messages: messagesOf(body).map((m) => ({
        role: m.role as "user" | "assistant",
        content: textOf(m.content),
      })),
    };
    return countRequestTokens(request);
  },
  schemaProblem(body) {
    const tools = body.tools as { name?: string; input_schema?: { type?: string } }[] | undefined;
    const choice = body.tool_choice as { type?: string; name?: string } | undefined;
    if (!Array.isArray(tools) || tools.length === 0) return "no tools";
    if (choice?.type !== "tool") return "tool_choice does not force a tool";
    const tool = tools.find((t) => t.name === choice.name);
    if (!tool) return `tool_choice names '${choice.name}', which is not a tool`;
    return tool.input_schema?.type === "object" ? null : "input_schema is not an object schema";
  },
  requestProblem(body) {
    return anthropicToolsProblem(body);
  },
  invalidRequest(message) {
    return {
      type: "error",
      error: { type: "invalid_request_error", message },
      request_id: `req_test${nextId()}`,
    };
  },
  structured(body, value, usage) {
    const message = ANTHROPIC.completion(body, "", usage) as Record<string, unknown>;
    const name = (body.tool_choice as { name: string }).name;
    message.content = [{ type: "tool_use", id: `toolu_test${nextId()}`, name, input: value }];
    message.stop_reason = "tool_use";
    return message;
  },
  completion(body, text, usage) {
    return {
      id: `msg_test${nextId()}`,
      type: "message",
      role: "assistant",
      model: typeof body.model === "string" ? body.model : "claude-sonnet-4-5-20250929",
      content: [{ type: "text", text }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: {
        input_tokens: Math.max(0, usage.input - usage.cached - usage.cacheWrite),
        cache_creation_input_tokens: usage.cacheWrite,
        cache_read_input_tokens: usage.cached,
        output_tokens: usage.output,
        service_tier: "standard",
      },
    };
  },
  error(status, message) {
    const [type, text] = status === 429
      ? ["rate_limit_error", "Number of requests has exceeded your per-minute rate limit."]
      : status === 401
      ? ["authentication_error", "invalid x-api-key"]
      : status === 403
      ? ["permission_error", "Your API key does not have permission to use this resource."]
      : status === 404
      ? ["not_found_error", "Not found."]
      : status === 529
      ? ["overloaded_error", "Overloaded"]
      : status >= 500
      ? ["api_error", "Internal server error"]
      : ["invalid_request_error", "Invalid request."];
    return {
      type: "error",
      error: { type, message: message ?? text },
      request_id: `req_test${nextId()}`,
    };
  },
};

/**
 * Starts a raw HTTP/1.1 server speaking the OpenAI Chat Completions API with keep-alive,
 * which closes the connection without an answer for the requests `drop(index)` picks: a
 * connection reset that `Deno.serve` cannot produce. A client that reuses connections may
 * silently re-send such a request; `count()` shows every request that arrived.
 *
 * @param reply The reply text of a request that is answered.
 * @param drop Which requests (0-based, in arrival order) to drop.
 * @returns The running server.
 */
export function startDroppingOpenAIServer(
  reply: (body: Record<string, unknown>, index: number) => string,
  drop: (index: number) => boolean,
): LlmServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const requests: RecordedRequest[] = [];
  const conns = new Set<Deno.Conn>();
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const serve = async (conn: Deno.Conn) => {
    conns.add(conn);
    let buffer = new Uint8Array(0);
    const chunk = new Uint8Array(65536);
    try {
      for (;;) {
        // read one request: headers, then content-length bytes of body
        let end = -1;
        let length = 0;
        for (;;) {
          const text = decoder.decode(buffer);
          end = text.indexOf("\r\n\r\n");
          if (end >= 0) {
            length = Number(/content-length:\s*(\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
            if (encoder.encode(text.slice(0, end + 4)).length + length <= buffer.length) break;
          }
          const n = await conn.read(chunk);
          if (n === null) return;
          const next = new Uint8Array(buffer.length + n);
          next.set(buffer);
          next.set(chunk.subarray(0, n), buffer.length);
          buffer = next;
        }
        const head = decoder.decode(buffer).slice(0, end);
        const headBytes = encoder.encode(head).length + 4;
        const bodyText = decoder.decode(buffer.subarray(headBytes, headBytes + length));
        buffer = buffer.slice(headBytes + length);
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(bodyText);
        } catch {
          // recorded as {}
        }
        const [method, path] = head.split("\r\n")[0].split(" ");
        const index = requests.length;
        requests.push({ method, path, headers: {}, body });
        if (drop(index)) return; // closed below, without an answer
        const text = reply(body, index);
        const usage = {
          input: OPENAI.requestTokens(body),
          output: countTokens(text),
          cached: 0,
          cacheWrite: 0,
        };
        const payload = encoder.encode(JSON.stringify(OPENAI.completion(body, text, usage)));
        await conn.write(encoder.encode(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${payload.length}\r\nconnection: keep-alive\r\n\r\n`,
        ));
        await conn.write(payload);
      }
    } catch {
      // the client went away
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) serve(conn);
    } catch {
      // closed
    }
  })();
  const port = (listener.addr as Deno.NetAddr).port;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch {
          // already closed
        }
      }
      await accepting;
    })();
    return closed;
  };
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    count: () => requests.length,
    close,
    [Symbol.asyncDispose]: close,
  };
}
