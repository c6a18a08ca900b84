import assert from "node:assert/strict";
import { hashSeed, Rng } from "../../lib/core/rng.ts";

Deno.test("rng: same seed, same stream; different seeds differ", () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const xs = Array.from({ length: 100 }, () => a.next());
  assert.deepEqual(Array.from({ length: 100 }, () => b.next()), xs);
  assert.notEqual(new Rng(43).next(), xs[0]);
  for (const x of xs) assert.ok(x >= 0 && x < 1);
});

Deno.test("rng: fixed values, identical on every platform", () => {
  // Pinned outputs: a change of generator, seeding or float construction breaks replication.
  const r = new Rng(7);
  const got = [r.next(), r.next(), r.int(1, 6), r.int(0, 1000)];
  assert.deepEqual(got, [0.13843863303045356, 0.20526444371247998, 6, 648]);
  assert.equal(hashSeed(0, "agent:a"), 2923071388);
  assert.notEqual(hashSeed(0, "agent:a"), hashSeed(0, "agent:b"));
  assert.notEqual(hashSeed(1, "agent:a"), hashSeed(0, "agent:a"));
});

Deno.test("rng: derived streams are independent of the parent's position", () => {
  const a = new Rng(5);
  const d1 = a.derive("x").next();
  a.next();
  a.next();
  assert.equal(a.derive("x").next(), d1);
  assert.notEqual(a.derive("y").next(), d1);
});

Deno.test("rng: state round-trips through JSON", () => {
  const a = new Rng(9);
  a.next();
  const state = JSON.parse(JSON.stringify(a.getState()));
  const b = Rng.fromState(state);
  assert.deepEqual(
    Array.from({ length: 10 }, () => b.next()),
    Array.from({ length: 10 }, () => a.next()),
  );
});

Deno.test("rng: distributions are in range and roughly right", () => {
  const r = new Rng(1);
  let sum = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) sum += r.next();
  assert.ok(Math.abs(sum / n - 0.5) < 0.01, `mean ${sum / n}`);
  const counts = [0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 6000; i++) counts[r.int(1, 6) - 1]++;
  for (const c of counts) assert.ok(c > 850 && c < 1150, `die counts ${counts}`);
  const d = r.dirichlet([1, 1, 1]);
  assert.equal(d.length, 3);
  assert.ok(Math.abs(d.reduce((s, x) => s + x, 0) - 1) < 1e-12);
  assert.ok(d.every((x) => x >= 0));
  assert.deepEqual([...r.shuffle([1, 2, 3, 4])].sort(), [1, 2, 3, 4]);
  assert.throws(() => r.int(3, 1), RangeError);
  assert.throws(() => new Rng(1.5), RangeError);
  assert.throws(() => r.pick([]), RangeError);
});
