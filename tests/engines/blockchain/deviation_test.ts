/** Deviation runs: exact gains against deterministic seats, intervals across seeds, open loop. */
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng.ts";
import { parseBlockchainConfig } from "../../../lib/engines/blockchain/config.ts";
import {
  deviationRun,
  isProfitable,
  PROFITABLE_GAIN_MIN,
  seatsFromRows,
} from "../../../lib/engines/blockchain/deviation.ts";
import { createPolicy } from "../../../lib/engines/blockchain/policies.ts";
import { playRows } from "./_play.ts";

const config = parseBlockchainConfig({ rounds: 12 });
const honest = [{ policy: "honest" }, { policy: "honest" }, { policy: "honest" }];

Deno.test("deviation: free-riding among honest miners gains exactly 7.5 a round", async () => {
  // efficiencies stay 1: miner_a earns 2.5 building, 10 free-riding, over rounds 5..12
  const r = await deviationRun({
    config,
    seats: honest,
    seat: 0,
    from: 5,
    deviation: "always_free_ride",
  });
  assert.equal(r.agent, "miner_a");
  assert.equal(r.rounds, 8);
  assert.deepEqual(r.seeds, [1, 2, 3, 4, 5]);
  for (const g of r.gain) assert.ok(Math.abs(g - 60) < 1e-9);
  assert.ok(Math.abs(r.mean_gain - 60) < 1e-9);
  assert.equal(r.ci_low, r.mean_gain, "deterministic seats: zero-width interval");
  assert.equal(r.ci_high, r.mean_gain);
  assert.equal(r.profitable, true);
  assert.equal(r.open_loop, false);
  assert.match(r.note, /Closed-loop/);
  assert.deepEqual(r.others_gain, { miner_b: 0, miner_c: 0 });
});

Deno.test("deviation: always attacking costs lambda and the construction reward", async () => {
  const r = await deviationRun({
    config,
    seats: honest,
    seat: "miner_b",
    from: 10,
    deviation: "always_attack",
  });
  // alpha_b = 0.2: 2 building, -2 attacking, rounds 10..12
  assert.ok(Math.abs(r.mean_gain - -12) < 1e-9);
  assert.equal(r.profitable, false);
  // the attack lowers the others' efficiency: free-riders would lose, builders do not
  assert.deepEqual(r.others_gain, { miner_a: 0, miner_c: 0 });
});

Deno.test("deviation: best response among best responders gains nothing", async () => {
  const seats = config.miners.map(() => ({ policy: "best_response" }));
  const r = await deviationRun({ config, seats, seat: 2, from: 1, deviation: "best_response" });
  assert.deepEqual(r.gain, [0, 0, 0, 0, 0]);
  assert.equal(r.profitable, false);
});

Deno.test("deviation: random seats give an interval across seeds", async () => {
  const seats = [{ policy: "adaptive" }, { policy: "random" }, { policy: "random" }];
  const options = { config, seats, seat: 0, from: 6, deviation: "best_response" } as const;
  const r = await deviationRun(options);
  assert.equal(new Set(r.gain.map((g) => g.toFixed(9))).size > 1, true, "seeds differ");
  assert.ok(r.ci_low < r.mean_gain && r.mean_gain < r.ci_high);
  // the best response has zero stage regret, and against open-loop-like random others
  // (who do not react to miner_a's efficiency) it cannot lose
  assert.ok(r.gain.every((g) => g >= -1e-9));
  // same seeds, same answer; the baseline is the CLI's stream for that seed
  assert.deepEqual((await deviationRun(options)).gain, r.gain);
  const rng = new Rng(3);
  const cliLike = config.miners.map((m, index) =>
    createPolicy(seats[index].policy, { rng: rng.derive(`agent:${m}`), config, index })
  );
  const rows = await playRows(config, cliLike);
  const tail = rows.filter((x) => x.agent === "miner_a" && x.round >= 6)
    .reduce((s, x) => s + x.reward, 0);
  assert.ok(Math.abs(r.baseline[2] - tail) < 1e-9);
  // one seed: no interval
  const one = await deviationRun({ ...options, seeds: [4] });
  assert.equal(one.ci_low, -Infinity);
  assert.equal(one.profitable, false);
});

Deno.test("deviation: recorded seats are replayed open-loop and the result says so", async () => {
  const rows = await playRows(
    config,
    config.miners.map((_m, index) =>
      createPolicy(index === 0 ? "honest" : "random", { rng: new Rng(index), config, index })
    ),
  );
  const recorded = rows.map((r) => ({
    ...r,
    kind: r.agent === "miner_a" ? "policy:honest" : "openai:m",
  }));
  const seats = seatsFromRows(recorded, config.miners);
  assert.deepEqual(seats[0], { policy: "honest" });
  assert.equal("actions" in seats[1] && seats[1].actions.length, 12);
  const r = await deviationRun({ config, seats, seat: 0, from: 3, deviation: "always_free_ride" });
  assert.equal(r.open_loop, true);
  assert.match(r.note, /Open-loop: .* do not react to the deviation/);
  // the baseline replays the recorded run exactly
  const tail = rows.filter((x) => x.agent === "miner_a" && x.round >= 3)
    .reduce((s, x) => s + x.reward, 0);
  assert.ok(Math.abs(r.baseline[0] - tail) < 1e-9);
});

Deno.test("deviation: isProfitable boundary and errors", async () => {
  assert.equal(PROFITABLE_GAIN_MIN, 1e-9);
  assert.equal(isProfitable(1e-9), false);
  assert.equal(isProfitable(1.0001e-9), true);
  assert.equal(isProfitable(0.9999e-9), false);
  const base = { config, seats: honest, seat: 0, from: 1, deviation: "best_response" } as const;
  await assert.rejects(() => deviationRun({ ...base, seat: 3 }), /'seat' must be a miner name/);
  await assert.rejects(() => deviationRun({ ...base, seat: "nobody" }), /'seat'/);
  await assert.rejects(
    () => deviationRun({ ...base, from: 13 }),
    /'from' must be a round in 1..12/,
  );
  await assert.rejects(
    () => deviationRun({ ...base, deviation: "sulk" as "best_response" }),
    /unknown deviation 'sulk'/,
  );
  await assert.rejects(() => deviationRun({ ...base, seats: honest.slice(1) }), /expected 3 seats/);
  await assert.rejects(() => deviationRun({ ...base, seeds: [] }), /'seeds'/);
});
