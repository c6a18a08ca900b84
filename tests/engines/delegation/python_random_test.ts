import assert from "node:assert/strict";
import {
  createStream,
  PythonRandom,
  seedWords,
  streamFromState,
  ToolkitStream,
} from "../../../lib/engines/delegation/python_random.ts";

// Check values from the SPEC (CPython 3).
Deno.test("python random: seed(42) random() x3", () => {
  const r = new PythonRandom(42);
  assert.deepEqual(
    [r.random(), r.random(), r.random()],
    [0.6394267984578837, 0.025010755222666936, 0.27502931836911926],
  );
});

Deno.test("python random: seed(42) choice([0, 1, 2]) x10", () => {
  const r = new PythonRandom(42);
  assert.deepEqual(Array.from({ length: 10 }, () => r.choice([0, 1, 2])), [
    2,
    0,
    0,
    2,
    1,
    0,
    0,
    0,
    2,
    0,
  ]);
});

Deno.test("python random: choice of one element still consumes outputs", () => {
  const r = new PythonRandom(42);
  assert.equal(r.choice([2]), 2);
  assert.equal(r.random(), 0.025010755222666936);
});

Deno.test("python random: seed(7) getrandbits(32) x3", () => {
  const r = new PythonRandom(7);
  assert.deepEqual([r.getrandbits(32), r.getrandbits(32), r.getrandbits(32)], [
    1390851128,
    4071050724,
    647892279,
  ]);
});

Deno.test("python random: multi-word and zero seeds (checked against CPython)", () => {
  // python3 -c "import random; random.seed(2**40+5); print(random.random())"
  assert.equal(new PythonRandom(2 ** 40 + 5).random(), 0.5043802970418443);
  // python3 -c "import random; random.seed(0); print(random.random())"
  assert.equal(new PythonRandom(0).random(), 0.8444218515250481);
  assert.deepEqual(seedWords(0), [0]);
  assert.deepEqual(seedWords(2 ** 32 + 3), [3, 1]);
});

Deno.test("python random: state round-trips through JSON and continues identically", () => {
  const a = new PythonRandom(5);
  for (let i = 0; i < 700; i++) a.random(); // cross a twist
  const b = streamFromState(JSON.parse(JSON.stringify(a.getState())));
  for (let i = 0; i < 1000; i++) assert.equal(b.random(), a.random());
});

Deno.test("python random: randbelow stays in range and rejects bad n", () => {
  const r = new PythonRandom(1);
  for (let n = 1; n < 40; n++) {
    for (let i = 0; i < 20; i++) {
      const x = r.randbelow(n);
      assert.ok(Number.isInteger(x) && x >= 0 && x < n);
    }
  }
  assert.throws(() => r.randbelow(0), RangeError);
  assert.throws(() => r.getrandbits(33), RangeError);
  assert.throws(() => r.choice([]), RangeError);
});

Deno.test("toolkit stream: deterministic, in range, state round trip", () => {
  const a = new ToolkitStream(3), b = createStream("toolkit", 3);
  for (let i = 0; i < 50; i++) assert.equal(a.random(), b.random());
  const c = streamFromState(JSON.parse(JSON.stringify(a.getState())));
  for (let i = 0; i < 50; i++) {
    const n = 1 + (i % 7);
    const x = a.randbelow(n);
    assert.equal(c.randbelow(n), x);
    assert.ok(x >= 0 && x < n);
  }
  assert.throws(() => a.setState(new PythonRandom(1).getState()), TypeError);
});
