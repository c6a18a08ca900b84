/**
 * A {@linkcode ChatModel} over the official `openai` SDK (Chat Completions, non-streaming),
 * for OpenAI and any OpenAI-compatible `baseURL` (DeepSeek, Qwen, OpenRouter, vLLM, Ollama).
 *
 * The SDK's own retries are off (`maxRetries: 0`): wrap the model with `withRetry`.
 * Requests go through Deno's `fetch`, which honours the `HTTP_PROXY`, `HTTPS_PROXY` and
 * `NO_PROXY` environment variables natively; no proxy library is needed. The `proxy` option
 * sends this model's requests through a proxy of its own instead.
 *
 * @example
 * ```ts ignore
 * import { OpenAIChatModel } from "./openai.ts";
 * import { withRetry } from "./retry.ts";
 * const model = withRetry(new OpenAIChatModel({ model: "gpt-4o-mini" })); // OPENAI_API_KEY
 * const reply = await model.complete({
 *   system: "Answer in one word.",
 *   messages: [{ role: "user", content: "Cooperate or defect?" }],
 *   temperature: 0,
 * });
 * console.log(reply.text, reply.usage);
 * ```
 * @module
 */
import OpenAI from "openai";
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

/** Options for {@linkcode OpenAIChatModel}. */
export interface OpenAIChatModelOptions {
  /** The model name, e.g. `"gpt-4o-mini"`. */
  model: string;
  /**
   * The API key. Never written to any output or error message.
   * @default {the `OPENAI_API_KEY` environment variable}
   */
  apiKey?: string;
  /**
   * The API root of an OpenAI-compatible server, e.g. `"http://localhost:11434/v1"`.
   * Never read from `OPENAI_BASE_URL`, so that runs do not depend on the environment.
   * @default {"https://api.openai.com/v1"}
   */
  baseURL?: string;
  /**
   * Deadline for the whole call (connect, wait, read the body), in milliseconds.
   * @default {60000}
   */
  timeoutMs?: number;
  /** The `OpenAI-Organization` header. */
  organization?: string;
  /** Extra headers on every request. */
  defaultHeaders?: Record<string, string>;
  /**
   * Send a request's `schema` as `response_format: {type: "json_schema", json_schema:
   * {name, strict: true, schema}}` (structured outputs).
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

type CreateParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;

/**
 * A chat model served by the OpenAI Chat Completions API or a compatible server. Its `id`
 * is `openai:<model>` whatever the `baseURL`, so that cached runs stay portable.
 *
 * Every failure is a {@linkcode ChatError}: 429 is `rate_limit` (with `retryAfterMs` from
 * `Retry-After` or `retry-after-ms`), 5xx `server`, 401/403 `auth`, 408 and the deadline
 * `timeout`, other 4xx `client`, a failed or dropped connection `connection`, and a 200
 * whose body is not a JSON object (or is an error object) `bad_response`. A well-formed
 * completion without usable text (no choices, `content: null`, a refusal, tool calls only)
 * is not an error: it is a reply with `text: ""` and a `problem`, billed as the provider
 * billed it, which `ask()` counts as a parse failure and, in the end, a fallback.
 * Aborting `request.signal` rejects with the signal's reason instead.
 *
 * @example
 * ```ts
 * import { OpenAIChatModel } from "./openai.ts";
 * // A local Ollama server; nothing is sent until `complete` is called.
 * const model = new OpenAIChatModel({
 *   model: "qwen2.5:7b",
 *   baseURL: "http://localhost:11434/v1",
 *   apiKey: "ollama",
 *   timeoutMs: 120_000,
 * });
 * console.log(model.id); // openai:qwen2.5:7b
 * ```
 */
export class OpenAIChatModel implements ChatModel {
  /** `openai:<model>`. */
  readonly id: string;
  /** The model name, as given. */
  readonly model: string;
  /** `true` when a request's `schema` is sent as `response_format`. */
  readonly structured: boolean;
  #client: OpenAI;
  #timeoutMs: number;
  #apiKey: string;
  #errorContext: Omit<ChatErrorContext, "timedOut">;

  /**
   * Creates the client; no request is made until {@linkcode OpenAIChatModel.complete}.
   *
   * @param options The model, credentials and endpoint.
   * @throws {RangeError} When `timeoutMs` is not a positive integer.
   * @throws {TypeError} When `model` is empty, no API key is given or set, or `proxy` is not
   * an `http:`/`https:` proxy URL (the message does not quote it).
   */
  constructor(options: OpenAIChatModelOptions) {
    const {
      model,
      apiKey = readEnv("OPENAI_API_KEY"),
      baseURL = "https://api.openai.com/v1",
      timeoutMs = 60_000,
      organization,
      defaultHeaders,
      structured = false,
      proxy,
    } = options;
    const key = checkClientOptions("an OpenAI", "OPENAI_API_KEY", { model, timeoutMs, apiKey });
    this.model = model;
    this.id = `openai:${model}`;
    this.structured = structured;
    this.#timeoutMs = timeoutMs;
    this.#apiKey = key;
    this.#errorContext = {
      id: this.id,
      apiKey: key,
      timeoutMs,
      errors: {
        base: OpenAI.OpenAIError,
        api: OpenAI.APIError,
        connection: OpenAI.APIConnectionError,
        timeout: OpenAI.APIConnectionTimeoutError,
      },
      bodyMessage: (body) => (body as { message?: unknown } | undefined)?.message,
    };
    // Every option is explicit, so the SDK reads no OPENAI_* variable of its own.
    this.#client = new OpenAI({
      apiKey: key,
      ...sdkEndpoint(baseURL),
      organization: organization ?? null,
      project: null,
      webhookSecret: null,
      timeout: timeoutMs,
      maxRetries: 0,
      defaultHeaders,
      fetchOptions: proxyFetchOptions(proxy),
    });
  }

  /**
   * Sends one chat completion request.
   *
   * @param request The conversation and sampling settings; `system` becomes a system
   * message, `maxTokens` becomes `max_completion_tokens` for o1/o3/o4/gpt-5 models and
   * `max_tokens` otherwise.
   * @returns The reply text, usage (`cached` from `prompt_tokens_details.cached_tokens`),
   * the answering model and the latency.
   * @throws {ChatError} When the call fails.
   */
  async complete(request: ChatRequest): Promise<ChatResponse> {
    const body: CreateParams = { model: this.model, messages: [] };
    if (request.system) body.messages.push({ role: "system", content: request.system });
    for (const m of request.messages) body.messages.push({ role: m.role, content: m.content });
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.maxTokens !== undefined) {
      if (usesCompletionTokens(this.model)) body.max_completion_tokens = request.maxTokens;
      else body.max_tokens = request.maxTokens;
    }
    if (request.seed !== undefined) body.seed = request.seed;
    if (this.structured && request.schema) {
      body.response_format = {
        type: "json_schema",
        json_schema: { name: request.schema.name, strict: true, schema: request.schema.json },
      };
    }

    const start = performance.now();
    const completion: unknown = await withDeadline(
      this.#timeoutMs,
      request.signal,
      (signal) => this.#client.chat.completions.create(body, { signal }),
      (error, timedOut) => toChatError(error, { ...this.#errorContext, timedOut }),
    );
    const latencyMs = performance.now() - start;

    if (typeof completion !== "object" || completion === null || Array.isArray(completion)) {
      throw new ChatError(
        `${this.id}: bad response: the body is not a JSON object`,
        "bad_response",
      );
    }
    const c = completion as Partial<OpenAI.Chat.Completions.ChatCompletion> & { error?: unknown };
    if (!Array.isArray(c.choices) && c.error !== undefined) {
      // an error object sent with status 200 (some gateways): a server failure, retried
      const detail = (c.error as { message?: unknown })?.message;
      throw new ChatError(
        `${this.id}: bad response: an error with status 200: ${
          redact(clip(typeof detail === "string" ? detail : JSON.stringify(c.error)), this.#apiKey)
        }`,
        "bad_response",
      );
    }
    const { text, finishReason, problem } = readChoice(c);
    const usage = c.usage;
    return {
      text,
      usage: {
        input: usage?.prompt_tokens ?? 0,
        output: usage?.completion_tokens ?? 0,
        cached: usage?.prompt_tokens_details?.cached_tokens ?? 0,
      },
      model: typeof c.model === "string" && c.model ? c.model : this.model,
      latencyMs,
      ...(finishReason ? { finishReason } : {}),
      ...(problem ? { problem: redact(problem, this.#apiKey) } : {}),
      attempts: 1,
    };
  }
}

/**
 * The text of a completion's first choice, and what went wrong when it has none: every
 * shape a server answers with status 200 (and bills) is a reply, never an exception: no
 * choices, `content: null`, a refusal, tool calls only. `finishReason` is set when the
 * choice did not end with a plain `stop`.
 */
function readChoice(
  c: Partial<OpenAI.Chat.Completions.ChatCompletion>,
): { text: string; finishReason?: string; problem?: string } {
  const choices = Array.isArray(c.choices) ? c.choices : [];
  if (choices.length === 0) return { text: "", problem: "the reply has no choices" };
  const choice = choices[0] as Partial<OpenAI.Chat.Completions.ChatCompletion.Choice> | undefined;
  const finish = typeof choice?.finish_reason === "string" && choice.finish_reason !== "stop"
    ? choice.finish_reason
    : undefined;
  const message = choice?.message as
    | Partial<OpenAI.Chat.Completions.ChatCompletionMessage>
    | undefined;
  if (typeof message?.refusal === "string" && message.refusal !== "") {
    return { text: "", finishReason: "refusal", problem: `refusal: ${clip(message.refusal, 300)}` };
  }
  if (typeof message?.content === "string") {
    return { text: message.content, ...(finish ? { finishReason: finish } : {}) };
  }
  const calls = Array.isArray(message?.tool_calls) ? message.tool_calls : [];
  if (calls.length > 0) {
    const names = calls.map((t) =>
      (t as { function?: { name?: unknown } })?.function?.name ?? (t as { type?: unknown })?.type
    ).map(String).join(", ");
    return {
      text: "",
      finishReason: finish ?? "tool_calls",
      problem: `tool calls only, no text: ${clip(names, 200)}`,
    };
  }
  return {
    text: "",
    ...(finish ? { finishReason: finish } : {}),
    problem: `no text content (finish_reason: ${choice?.finish_reason ?? "none"})`,
  };
}

/** Reasoning models take `max_completion_tokens` and reject `max_tokens`. */
function usesCompletionTokens(model: string): boolean {
  return /^(o1|o3|o4|gpt-5)/.test(model.slice(model.lastIndexOf("/") + 1));
}
