/**
 * The LLM layer: the `ChatModel` seam, the OpenAI and Anthropic clients, wrappers (retry,
 * limits, budget, draws, cache), pricing, token counts, robust parsing, per-agent proxies and
 * the agents file.
 *
 * @module
 */
export * from "./chat_model.ts";
export * from "./openai.ts";
export * from "./anthropic.ts";
export * from "./sdk_client.ts";
export * from "./scripted.ts";
export * from "./retry.ts";
export * from "./limits.ts";
export * from "./budget.ts";
export * from "./cache.ts";
export * from "./draws.ts";
export * from "./canonical.ts";
export * from "./pricing.ts";
export * from "./tokens.ts";
export * from "./parse.ts";
export * from "./agents_file.ts";
export * from "./factory.ts";
export * from "./proxy.ts";
