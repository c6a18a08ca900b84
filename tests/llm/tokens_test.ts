/**
 * Token counts: exact on ordinary text, within a token per piece on long unbroken runs
 * (counted piece by piece to stay linear; the time is measured by bench/llm_path.ts), and a
 * request's reply schema counted as input.
 */
import assert from "node:assert/strict";
import { countTokens as exact } from "gpt-tokenizer";
import { countRequestTokens, countTokens } from "../../lib/llm/tokens.ts";

Deno.test("tokens: ordinary text is counted exactly", () => {
  const prose = "Round 3 of 10. Your total 9, opponent 12.\nYour move? ".repeat(40);
  assert.equal(countTokens(prose), exact(prose));
  assert.equal(countTokens("    indented\n\n\n  lines  "), exact("    indented\n\n\n  lines  "));
});

Deno.test("tokens: long runs without whitespace, or of whitespace, are within a token per piece", () => {
  for (
    const text of ["x".repeat(3_000), "ab1,".repeat(800), " ".repeat(3_000), "\n".repeat(2_000)]
  ) {
    const pieces = Math.ceil(text.length / 256);
    const n = countTokens(text);
    assert.ok(
      Math.abs(n - exact(text)) <= pieces,
      `${text.slice(0, 4)}...: ${n} vs ${exact(text)}`,
    );
  }
});

Deno.test("tokens: a request's reply schema is input", () => {
  const request = { messages: [{ role: "user" as const, content: "move?" }] };
  const json = { type: "object", properties: { action: { type: "string", enum: ["C", "D"] } } };
  const plain = countRequestTokens(request);
  const withSchema = countRequestTokens({ ...request, schema: { name: "move", json } });
  assert.equal(withSchema, plain + 3 + exact(JSON.stringify(json)));
});
