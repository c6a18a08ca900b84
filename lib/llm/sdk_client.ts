/**
 * The chat model of an OpenAI or Anthropic endpoint with its SDK loaded at the first
 * request: a run whose seats are all scripted never loads either SDK (they are most of what
 * a run's start-up loads). Its options are checked at once, as the SDK clients' own
 * constructors check them.
 *
 * @example
 * ```ts
 * import { sdkChatModel } from "./sdk_client.ts";
 * const model = sdkChatModel("openai", { model: "qwen2.5:7b", apiKey: "ollama" });
 * console.log(model.id); // openai:qwen2.5:7b
 * ```
 * @module
 */
import type { AnthropicChatModelOptions } from "./anthropic.ts";
import type { ChatModel, ChatRequest, ChatResponse } from "./chat_model.ts";
import type { OpenAIChatModelOptions } from "./openai.ts";
import { checkClientOptions, readEnv, sdkEndpoint } from "./_http.ts";
import { proxyFetchOptions } from "./proxy.ts";

/** The options of either client (Anthropic's own `maxTokens` included). */
export type SdkClientOptions = OpenAIChatModelOptions & AnthropicChatModelOptions;

/**
 * An `OpenAIChatModel` or `AnthropicChatModel`, created at the first request.
 *
 * @param provider `"openai"` (any OpenAI-compatible endpoint) or `"anthropic"`.
 * @param options The client's options.
 * @returns The chat model; its `id` is the client's (`<provider>:<model>`).
 * @throws {TypeError} When `model` is empty or no API key is given or set.
 * @throws {RangeError} When `timeoutMs` (or Anthropic's `maxTokens`) is not a positive integer.
 */
export function sdkChatModel(
  provider: "openai" | "anthropic",
  options: SdkClientOptions,
): ChatModel {
  const env = provider === "openai" ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY";
  const apiKey = options.apiKey ?? readEnv(env);
  checkClientOptions(provider === "openai" ? "an OpenAI" : "an Anthropic", env, {
    model: options.model,
    timeoutMs: options.timeoutMs ?? 60_000,
    apiKey,
  });
  const max = options.maxTokens;
  if (provider === "anthropic" && max !== undefined && !(Number.isInteger(max) && max > 0)) {
    throw new RangeError(
      `Cannot create an Anthropic chat model: 'maxTokens' must be a positive integer, got ${max}`,
    );
  }
  // the secrets of the endpoint's query and of the proxy are registered now, as the clients'
  // constructors register them (so they are scrubbed before any request is made)
  sdkEndpoint(options.baseURL ?? "");
  proxyFetchOptions(options.proxy);
  let client: Promise<ChatModel> | null = null;
  const load = async (): Promise<ChatModel> =>
    provider === "openai"
      ? new (await import("./openai.ts")).OpenAIChatModel({ ...options, apiKey })
      : new (await import("./anthropic.ts")).AnthropicChatModel({ ...options, apiKey });
  return {
    id: `${provider}:${options.model}`,
    model: options.model,
    structured: options.structured ?? false,
    complete: async (request: ChatRequest): Promise<ChatResponse> =>
      (await (client ??= load())).complete(request),
  };
}
