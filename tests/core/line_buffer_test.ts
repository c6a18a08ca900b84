/**
 * The byte buffer of JSON lines a run log keeps between flushes: numbers and strings
 * written as JSON.stringify writes them, growth, and lines begun and never ended dropped.
 */
import assert from "node:assert/strict";
import { LineBuffer } from "../../lib/core/line_buffer.ts";

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("LineBuffer: numbers are written as JSON.stringify writes them", () => {
  const xs = [
    0,
    -0,
    7,
    10,
    99,
    100,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 53,
    -1,
    -(2 ** 31),
    0.1 + 0.2,
    1e21,
    1e-7,
    -3.5,
    NaN,
    Infinity,
    -Infinity,
  ];
  for (const x of xs) {
    const out = new LineBuffer(16);
    out.begin();
    out.number(x);
    out.end();
    assert.equal(out.lastLine(), JSON.stringify(x), String(x));
  }
});

Deno.test("LineBuffer: strings as UTF-8, short and long, ASCII or not; the buffer grows", () => {
  const strings = [
    "",
    "plain",
    "é",
    "ascii then é then 😀",
    "😀".repeat(40),
    "x".repeat(65) + "é",
    "y".repeat(100_000),
    '"quoted" \\ \u2028',
  ];
  const out = new LineBuffer(16);
  for (const s of strings) {
    out.line(s);
    assert.equal(out.lastLine(), s);
  }
  assert.equal(out.lines, strings.length);
  const all = decode(out.view());
  assert.equal(all, strings.map((s) => s + "\n").join(""));
  assert.equal(out.length, new TextEncoder().encode(all).length);
});

Deno.test("LineBuffer: a line begun and not ended is dropped; the last line can be dropped; clear empties", () => {
  const out = new LineBuffer(16);
  out.line("one");
  out.begin();
  out.text("half a line, then the writer threw");
  out.begin();
  out.bytes(new TextEncoder().encode("two"));
  out.end();
  assert.equal(decode(out.view()), "one\ntwo\n");
  assert.equal(out.lines, 2);
  out.dropLast();
  assert.equal(decode(out.view()), "one\n");
  assert.equal(out.lines, 1);
  out.dropLast(); // only the last line ended: "one" stays
  assert.equal(decode(out.view()), "one\n");
  assert.equal(out.lines, 1);
  out.line("three");
  assert.equal(decode(out.view()), "one\nthree\n");
  out.clear();
  assert.equal(out.length, 0);
  assert.equal(out.lines, 0);
  assert.equal(out.lastLine(), "");
  out.line("four");
  assert.equal(decode(out.view()), "four\n");
});
