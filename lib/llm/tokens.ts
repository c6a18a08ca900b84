/**
 * Offline token counts with a real tokenizer (`gpt-tokenizer`, the `o200k_base` encoding of
 * GPT-4o and later). Other providers tokenise differently; treat counts for them as
 * estimates within roughly 10-20%.
 *
 * @example
 * ```ts
 * import { countTokens } from "./tokens.ts";
 * console.log(countTokens("hello world")); // 2
 * ```
 * @module
 */
import { countTokens as count } from "gpt-tokenizer";
import type { ChatRequest } from "./chat_model.ts";

/** Tokens in `text` under `o200k_base`. */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : count(text);
}

/**
 * Input tokens of a chat request: the system prompt and every message, plus the small
 * per-message overhead of the chat format (3 tokens each, 3 for the reply primer).
 */
export function countRequestTokens(request: ChatRequest): number {
  let n = 3;
  if (request.system) n += 3 + countTokens(request.system);
  for (const m of request.messages) n += 3 + countTokens(m.content);
  return n;
}
