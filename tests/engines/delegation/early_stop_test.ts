/**
 * The early-stop rule of exploitation (`early_stop.ts`) on its own, against a plain
 * recomputation of the mean of the last `B` utilities, and in the engine: the stop forfeits
 * the bonus, and a provider that keeps its utility up gets the bonus.
 */
import assert from "node:assert/strict";
import {
  auditDelegation,
  closeEarlyStop,
  earlyStop,
  newEarlyStopWindow,
  openEarlyStop,
} from "../../../lib/engines/delegation/early_stop.ts";
import { DelegationEngine } from "../../../lib/engines/delegation/engine.ts";
import { numpySum } from "../../../lib/engines/delegation/parameters.ts";
import { Rng } from "../../../lib/core/rng.ts";
import { playAll, tinyConfig, tinyRecords } from "./_fixtures.ts";

/** The index at which the rule should stop a sequence, recomputed from scratch. */
function expectedStop(us: readonly number[], B: number, threshold: number): number | null {
  for (let c = B; c <= us.length; c++) {
    const mean = numpySum(Float64Array.from(us.slice(c - B, c)), 0, B) / B;
    if (mean < threshold) return c - 1;
  }
  return null;
}

/** Feeds `us` to a fresh window until the rule fires; the index it fired at, or null. */
function firstStop(us: readonly number[], B: number, threshold: number): number | null {
  const w = newEarlyStopWindow();
  openEarlyStop(w, B);
  for (let k = 0; k < us.length; k++) {
    const recent = earlyStop(w, us[k], B, threshold);
    if (recent !== null) {
      assert.equal(w.stopped, true);
      return k;
    }
  }
  assert.equal(w.stopped, false);
  return null;
}

Deno.test("early stop: not before the B-th delegation, however low the utilities", () => {
  const w = newEarlyStopWindow();
  openEarlyStop(w, 4);
  for (let k = 0; k < 3; k++) assert.equal(earlyStop(w, -100, 4, 0), null);
  assert.equal(earlyStop(w, -100, 4, 0), -100);
  assert.equal(w.count, 4);
});

Deno.test("early stop: the mean of the last B must fall strictly below the threshold", () => {
  // B = 2, threshold 1: the means are 2, 1 (equal: no stop), 0.5 (stop)
  assert.equal(firstStop([2, 2, 0, 1], 2, 1), 3);
  // a single low value among high ones does not stop a window of 3
  assert.equal(firstStop([5, 5, 5, -2, 5, 5, 5], 3, 2), null);
  // the oldest value leaves the window: 3 then 0, 0, 0 stops only once 3 is out
  assert.equal(firstStop([3, 0, 0, 0], 3, 0.5), 3);
});

Deno.test("early stop: a closed window counts but never stops", () => {
  const w = newEarlyStopWindow();
  for (let k = 0; k < 10; k++) assert.equal(earlyStop(w, -1, 2, 0), null);
  assert.equal(w.count, 10);
  openEarlyStop(w, 2);
  closeEarlyStop(w);
  assert.equal(earlyStop(w, -1, 2, 0), null);
  assert.equal(w.stopped, false);
});

Deno.test("property: the rule stops where the plain mean of the last B first falls below", () => {
  const rng = new Rng(17);
  for (let trial = 0; trial < 300; trial++) {
    const B = 1 + Math.floor(rng.next() * 12);
    const n = B + Math.floor(rng.next() * 60);
    const drift = rng.next() * 0.2;
    const us = Array.from({ length: n }, (_, k) => 7 * rng.next() - drift * k);
    const threshold = 3 * rng.next();
    assert.equal(firstStop(us, B, threshold), expectedStop(us, B, threshold), `trial ${trial}`);
  }
});

Deno.test("at the threshold itself, the decision is numpy's mean (the original's np.mean)", () => {
  // the running sum and numpy's summation can round to different sides of the threshold:
  // the rule must decide as numpy does
  for (const B of [3, 7, 10, 64, 129]) {
    for (const u of [0.1, 0.3, 1 / 3, 6.97, 3.4975, -0.03]) {
      const us = Array(5 * B).fill(u);
      assert.equal(firstStop(us, B, u), expectedStop(us, B, u), `B = ${B}, u = ${u}`);
    }
  }
});

Deno.test("engine: a stop ends exploitation and forfeits the bonus; no stop, the bonus", () => {
  // A serves its cheap model (utility -0.03 < threshold) from the start of exploitation
  const cheat = new DelegationEngine(tinyConfig(), { records: tinyRecords() });
  const recs = playAll(
    cheat,
    0,
    (p, o) => (p === "A" && o.phase === 2 ? "gpt-35-turbo" : p === "A" ? "gpt-4" : "gpt-4o"),
  );
  const s = cheat.getState();
  assert.equal(s.exploit.stoppedEarly, true);
  const exploit = recs.filter((r) => r.phase === 2 && !r.bonus);
  assert.equal(exploit.length, cheat.B, "stops at the B-th exploitation delegation");
  assert.equal(recs.filter((r) => r.bonus).length, 0);
  // honest A: never stops, and gets B bonus delegations
  const honest = new DelegationEngine(tinyConfig(), { records: tinyRecords() });
  const recs2 = playAll(honest, 0, (p) => (p === "A" ? "gpt-4" : "gpt-4o"));
  assert.equal(honest.getState().exploit.stoppedEarly, false);
  assert.equal(recs2.filter((r) => r.phase === 2 && !r.bonus).length, honest.exploration!.planned);
  assert.equal(recs2.filter((r) => r.bonus).length, honest.B);
});

Deno.test("auditDelegation: only the main exploitation is audited; a stop ends its block", () => {
  const m = { audit: newEarlyStopWindow(), B: 2, left: 10, exploration: { threshold: 0 } };
  openEarlyStop(m.audit, 2);
  // exploration, incentive and bonus delegations are never audited (the window stays empty)
  for (const [phase, bonus] of [[1, false], [3, false], [4, false], [2, true]] as const) {
    assert.equal(auditDelegation(m, phase, bonus, -100), null);
  }
  assert.equal(m.audit.count, 0);
  assert.equal(auditDelegation(m, 2, false, -1), null, "not before the B-th");
  assert.equal(m.left, 10);
  assert.equal(auditDelegation(m, 2, false, -3), -2);
  assert.equal(m.left, 0, "the exploitation block ends now");
  assert.equal(m.audit.stopped, true);
});
