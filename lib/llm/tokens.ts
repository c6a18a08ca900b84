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

/** Runs of this many characters of one kind (whitespace or not) are counted piece by piece. */
const LONG_RUN = 256;
const LONG_RUN_RE = new RegExp(`\\S{${LONG_RUN + 1},}|\\s{${LONG_RUN + 1},}`, "g");

/**
 * Tokens in `text` under `o200k_base`: exact for ordinary text. A run of more than 256
 * characters without whitespace, or of whitespace alone, is counted in 256-character pieces:
 * byte-pair encoding of one unbroken "word" (and the pre-tokenizer on a long blank) costs time
 * growing with the square of its length, and the pieces' count differs from the whole's by
 * at most a token per piece boundary, so the count stays linear in the text's length.
 */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  if (text.length <= LONG_RUN) return count(text);
  let n = 0;
  let from = 0;
  for (const m of text.matchAll(LONG_RUN_RE)) {
    if (m.index > from) n += count(text.slice(from, m.index));
    for (let i = 0; i < m[0].length; i += LONG_RUN) n += count(m[0].slice(i, i + LONG_RUN));
    from = m.index + m[0].length;
  }
  if (from === 0) return count(text);
  if (from < text.length) n += count(text.slice(from));
  return n;
}

/**
 * Input tokens of a chat request: the system prompt, every message and the reply schema
 * (structured output), plus the small per-message overhead of the chat format (3 tokens
 * each, 3 for the reply primer).
 */
export function countRequestTokens(request: ChatRequest): number {
  let n = 3;
  if (request.system) n += 3 + countTokens(request.system);
  for (const m of request.messages) n += 3 + countTokens(m.content);
  // a structured-output schema is input too (a response format, or a tool definition)
  if (request.schema) n += 3 + countTokens(JSON.stringify(request.schema.json));
  return n;
}
