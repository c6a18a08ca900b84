/**
 * A {@linkcode ChatModel} over the official `@anthropic-ai/sdk` (Messages API,
 * non-streaming), for Anthropic and compatible gateways (`baseURL`).
 *
 * The system prompt is sent as one text block marked `cache_control: {type: "ephemeral"}`,
 * so a static system prompt is served from Anthropic's prompt cache on later calls. The
 * SDK's own retries are off (`maxRetries: 0`): wrap the model with `withRetry`. Requests go
 * through Deno's `fetch`, which honours `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY`; the
 * `proxy` option sends this model's requests through a proxy of its own instead.
 *
 * @example
 * ```ts ignore
 * import { AnthropicChatModel } from "./anthropic.ts";
 * import { withRetry } from "./retry.ts";
 * const model = withRetry(new AnthropicChatModel({ model: "claude-haiku-4-5" })); // ANTHROPIC_API_KEY
 * const reply = await model.complete({
 *   system: "Answer in one word.",
 *   messages: [{ role: "user", content: "Cooperate or defect?" }],
 *   maxTokens: 16,
 * });
 * console.log(reply.text, reply.usage.cached);
 * ```
 * @module
 */
import Anthropic from "@anthropic-ai/sdk";
import { ChatError } from "./chat_model.ts";
import type { ChatModel, ChatRequest, ChatResponse } from "./chat_model.ts";
import {
  type ChatErrorContext,
  checkClientOptions,
  clip,
  readEnv,
  redact,
  sdkEndpoint,
  toChatError,
  withDeadline,
} from "./_http.ts";
import { proxyFetchOptions } from "./proxy.ts";

/** Options for {@linkcode AnthropicChatModel}. */
export interface AnthropicChatModelOptions {
  /** The model name, e.g. `"claude-sonnet-4-5"`. */
  model: string;
  /**
   * The API key, sent as `x-api-key`. Never written to any output or error message.
   * @default {the `ANTHROPIC_API_KEY` environment variable}
   */
  apiKey?: string;
  /**
   * The API root of an Anthropic-compatible gateway, without `/v1`.
   * Never read from `ANTHROPIC_BASE_URL`, so that runs do not depend on the environment.
   * @default {"https://api.anthropic.com"}
   */
  baseURL?: string;
  /**
   * Deadline for the whole call (connect, wait, read the body), in milliseconds.
   * @default {60000}
   */
  timeoutMs?: number;
  /** Extra headers on every request. */
  defaultHeaders?: Record<string, string>;
  /**
   * `max_tokens` for requests that set no `maxTokens` (the API requires one).
   * @default {1024}
   */
  maxTokens?: number;
  /**
   * Send a request's `schema` as a tool whose `input_schema` it is, with `tool_choice`
   * forcing that tool; the tool call's input is the reply (as JSON text).
   * @default {false}
   */
  structured?: boolean;
  /**
   * An `http:` or `https:` proxy for this model's requests, credentials allowed
   * (`http://user:pass@host:3128`: sent as the proxy's `Basic` authorisation, registered
   * as a secret, never written).
   * @default {none: `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` apply}
   */
  proxy?: string;
}

type CreateParams = Anthropic.Messages.MessageCreateParamsNonStreaming;

/**
 * A chat model served by the Anthropic Messages API. Its `id` is `anthropic:<model>`
 * whatever the `baseURL`. `seed` is ignored: the API has no such parameter.
 *
 * Usage: `input` counts every input token (`input_tokens` plus cache reads and cache
 * writes), `cached` the cache reads. Failures are mapped as by `OpenAIChatModel`; 529
 * (overloaded) is `server`.
 *
 * @example
 * ```ts
 * import { AnthropicChatModel } from "./anthropic.ts";
 * // A compatible gateway; nothing is sent until `complete` is called.
 * const model = new AnthropicChatModel({
 *   model: "claude-sonnet-4-5",
 *   apiKey: "sk-ant-...",
 *   baseURL: "https://gateway.example.com",
 *   maxTokens: 512,
 * });
 * console.log(model.id); // anthropic:claude-sonnet-4-5
 * ```
 */
export class AnthropicChatModel implements ChatModel {
  /** `anthropic:<model>`. */
  readonly id: string;
  /** The model name, as given. */
  readonly model: string;
  /** `true` when a request's `schema` is sent as a forced tool. */
  readonly structured: boolean;
  #client: Anthropic;
  #timeoutMs: number;
  #maxTokens: number;
  #apiKey: string;
  #errorContext: Omit<ChatErrorContext, "timedOut">;

  /**
   * Creates the client; no request is made until {@linkcode AnthropicChatModel.complete}.
   *
   * @param options The model, credentials and endpoint.
   * @throws {RangeError} When `timeoutMs` or `maxTokens` is not a positive integer.
   * @throws {TypeError} When `model` is empty, no API key is given or set, or `proxy` is not
   * an `http:`/`https:` proxy URL (the message does not quote it).
   */
  constructor(options: AnthropicChatModelOptions) {
    const {
      model,
      apiKey = readEnv("ANTHROPIC_API_KEY"),
      baseURL = "https://api.anthropic.com",
      timeoutMs = 60_000,
      defaultHeaders,
      maxTokens = 1024,
      structured = false,
      proxy,
    } = options;
    const key = checkClientOptions("an Anthropic", "ANTHROPIC_API_KEY", {
      model,
      timeoutMs,
      apiKey,
    });
    if (!Number.isInteger(maxTokens) || maxTokens <= 0) {
      throw new RangeError(
        `Cannot create an Anthropic chat model: 'maxTokens' must be a positive integer, got ${maxTokens}`,
      );
    }
    this.model = model;
    this.id = `anthropic:${model}`;
    this.structured = structured;
    this.#timeoutMs = timeoutMs;
    this.#maxTokens = maxTokens;
    this.#apiKey = key;
    this.#errorContext = {
      id: this.id,
      apiKey: key,
      timeoutMs,
      errors: {
        base: Anthropic.AnthropicError,
        api: Anthropic.APIError,
        connection: Anthropic.APIConnectionError,
        timeout: Anthropic.APIConnectionTimeoutError,
      },
      // The SDK keeps the whole body: {type: "error", error: {type, message}, request_id}.
      bodyMessage: (body) =>
        (body as { error?: { message?: unknown } } | undefined)?.error?.message,
    };
    // `authToken: null` keeps ANTHROPIC_AUTH_TOKEN from adding a second credential.
    this.#client = new Anthropic({
      apiKey: key,
      authToken: null,
      ...sdkEndpoint(baseURL),
      timeout: timeoutMs,
      maxRetries: 0,
      defaultHeaders,
      fetchOptions: proxyFetchOptions(proxy),
    });
  }

  /**
   * Sends one Messages API request.
   *
   * @param request The conversation and sampling settings.
   * @returns The concatenated text blocks, usage, the answering model and the latency.
   * @throws {ChatError} When the call fails.
   */
  async complete(request: ChatRequest): Promise<ChatResponse> {
    const body: CreateParams = {
      model: this.model,
      max_tokens: request.maxTokens ?? this.#maxTokens,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    };
    if (request.system) {
      body.system = [{ type: "text", text: request.system, cache_control: { type: "ephemeral" } }];
    }
    if (request.temperature !== undefined) body.temperature = request.temperature;
    const tool = this.structured && request.schema ? request.schema : undefined;
    if (tool) {
      body.tools = [{
        name: tool.name,
        description: "Give your reply as this tool's input.",
        input_schema: tool.json as Anthropic.Messages.Tool.InputSchema,
      }];
      body.tool_choice = { type: "tool", name: tool.name };
    }

    const start = performance.now();
    const message: unknown = await withDeadline(
      this.#timeoutMs,
      request.signal,
      (signal) => this.#client.messages.create(body, { signal }),
      (error, timedOut) => toChatError(error, { ...this.#errorContext, timedOut }),
    );
    const latencyMs = performance.now() - start;

    if (typeof message !== "object" || message === null || Array.isArray(message)) {
      throw new ChatError(
        `${this.id}: bad response: the body is not a JSON object`,
        "bad_response",
      );
    }
    const m = message as Partial<Anthropic.Messages.Message> & { error?: { message?: unknown } };
    if ((m as { type?: unknown }).type === "error") {
      // an error body sent with status 200 (some gateways): a server failure, retried
      const detail = m.error?.message;
      throw new ChatError(
        `${this.id}: bad response: an error with status 200: ${
          redact(clip(typeof detail === "string" ? detail : JSON.stringify(m.error)), this.#apiKey)
        }`,
        "bad_response",
      );
    }
    const { text, finishReason, problem } = readMessage(m, tool?.name);
    const usage = m?.usage;
    const cached = usage?.cache_read_input_tokens ?? 0;
    return {
      text,
      usage: {
        input: (usage?.input_tokens ?? 0) + cached + (usage?.cache_creation_input_tokens ?? 0),
        output: usage?.output_tokens ?? 0,
        cached,
        cacheWrite: usage?.cache_creation_input_tokens ?? 0,
      },
      model: typeof m?.model === "string" && m.model ? m.model : this.model,
      latencyMs,
      ...(finishReason ? { finishReason } : {}),
      ...(problem ? { problem: redact(problem, this.#apiKey) } : {}),
      attempts: 1,
    };
  }
}

/** `stop_reason`s that are a plain end of the reply. */
const PLAIN_STOPS = new Set(["end_turn", "stop_sequence"]);

/**
 * The reply text of a message (the forced tool's input as JSON, else the text blocks), and
 * what went wrong when there is none: no content, a refusal, no text block. Any shape the
 * API answers with status 200 (and bills) is a reply, never an exception. `max_tokens` is
 * reported as `finishReason: "length"`.
 */
function readMessage(
  m: Partial<Anthropic.Messages.Message>,
  toolName: string | undefined,
): { text: string; finishReason?: string; problem?: string } {
  const stop = typeof m.stop_reason === "string" ? m.stop_reason : undefined;
  const finishReason = stop === undefined || PLAIN_STOPS.has(stop)
    ? undefined
    : stop === "max_tokens"
    ? "length"
    : stop === "tool_use"
    ? (toolName ? undefined : "tool_calls")
    : stop;
  const content = Array.isArray(m.content) ? m.content : undefined;
  const call = toolName
    ? content?.find((b) => b?.type === "tool_use" && b.name === toolName)
    : undefined;
  if (call?.type === "tool_use") {
    return { text: JSON.stringify(call.input ?? null), ...(finishReason ? { finishReason } : {}) };
  }
  const blocks = (content ?? []).filter((b): b is Anthropic.Messages.TextBlock =>
    b?.type === "text" && typeof b.text === "string"
  );
  if (stop === "refusal") {
    const said = blocks.map((b) => b.text).join("");
    return {
      text: "",
      finishReason: "refusal",
      problem: `refusal${said ? `: ${clip(said, 300)}` : ""}`,
    };
  }
  if (blocks.length > 0) {
    return { text: blocks.map((b) => b.text).join(""), ...(finishReason ? { finishReason } : {}) };
  }
  const tools = (content ?? []).filter((b) => b?.type === "tool_use");
  return {
    text: "",
    ...(finishReason ? { finishReason } : {}),
    problem: !content
      ? "the reply has no content"
      : tools.length > 0
      ? `tool calls only, no text: ${clip(tools.map((b) => String(b.name)).join(", "), 200)}`
      : `no text block (stop_reason: ${stop ?? "none"})`,
  };
}
