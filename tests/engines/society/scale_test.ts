/**
 * The society at the scale of thousands: votes tallied per proposal give the same outcomes
 * as a plain recount, the policies are unchanged up to `CROWD` living citizens (against the
 * reference rules of `_reference_policies.ts`), the defaults scale with the citizens and
 * give a viable society, and a 1,000-citizen run killed mid-run resumes to the same files.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Rng } from "../../../lib/core/rng.ts";
import { bestResponseRequest, bestResponses } from "../../../lib/engines/society/best_response.ts";
import { parseSocietyConfig } from "../../../lib/engines/society/config.ts";
import { SocietyEngine } from "../../../lib/engines/society/engine.ts";
import { playOffline } from "../../../lib/engines/society/offline.ts";
import {
  createSocietyPolicy,
  CROWD,
  DEFAULT_POLICY_MIX,
  policyFor,
  type PolicyMemory,
} from "../../../lib/engines/society/policies.ts";
import { proposalPasses } from "../../../lib/engines/society/proposals.ts";
import {
  reseatScaledDefaults,
  scaledDefaults,
} from "../../../lib/engines/society/scaled_defaults.ts";
import type { SocietyDecision } from "../../../lib/engines/society/decision.ts";
import { type ActionWorld, validateAction } from "../../../lib/engines/society/validate_action.ts";
import { REFERENCE_RULES } from "./_reference_policies.ts";
import { waitForStep } from "../../support/engine_suite.ts";

const MIXES = [DEFAULT_POLICY_MIX, ["best_response", "random", "vindictive", "selfish"]];

Deno.test("policies: up to CROWD living citizens, every decision equals the reference rules", () => {
  assert.ok(CROWD >= 12, "a society of up to 12 plays the SPEC's policies unchanged");
  let compared = 0;
  for (const n of [3, 6, 9, CROWD]) {
    for (const [m, mix] of MIXES.entries()) {
      for (let seed = 0; seed < 3; seed++) {
        const config = parseSocietyConfig({ citizens: n, days: 12 });
        const engine = new SocietyEngine(config);
        const rng = new Rng(seed);
        const agents = config.citizens.map((name, i) => ({
          policy: policyFor(i, mix),
          agent: createSocietyPolicy(policyFor(i, mix), name, rng.derive(`agent:${name}`)),
        }));
        let view = engine.reset({ seed });
        while (!engine.isDone()) {
          const actions: Record<string, SocietyDecision> = {};
          for (const { policy, agent } of agents) {
            if (!view.observations[agent.name].alive) continue;
            const st = agent.getState!() as { rng: Rng["getState"]; memory: PolicyMemory };
            const refRng = Rng.fromState(st.rng as unknown as ReturnType<Rng["getState"]>);
            const observation = view.observations[agent.name];
            const want = REFERENCE_RULES[policy](observation, refRng, structuredClone(st.memory));
            const got = agent.act({
              agent: agent.name,
              round: engine.round + 1,
              observation,
              info: view.infos[agent.name],
            }) as { action: SocietyDecision };
            assert.deepEqual(got.action, want, `n ${n}, mix ${m}, seed ${seed}: ${agent.name}`);
            assert.deepEqual(
              (agent.getState!() as { rng: unknown }).rng,
              refRng.getState(),
              "the same draws",
            );
            actions[agent.name] = got.action;
            compared++;
          }
          view = engine.step(actions);
        }
      }
    }
  }
  assert.ok(compared > 1000, `only ${compared} decisions compared`);
});

/** An event as a step returns it. */
type Ev = { type: string; [field: string]: unknown };

/** Recounts one day's closed proposals from the executed votes, as a plain scan would. */
function recount(
  created: readonly Ev[],
  step: { infos: Record<string, { executed: unknown[] }>; events: readonly Ev[] },
  order: readonly string[],
): number {
  let checked = 0;
  for (const c of created) {
    const id = c.proposal_id as number;
    const supporters = [String(c.proposer)];
    const opposers: string[] = [];
    for (const name of order) {
      for (const a of step.infos[name]?.executed ?? []) {
        const v = a as { type: string; proposal_id?: number; support?: boolean };
        if (v.type !== "vote" || v.proposal_id !== id) continue;
        assert.ok(![...supporters, ...opposers].includes(name), `${name} voted twice on ${id}`);
        (v.support ? supporters : opposers).push(name);
      }
    }
    const result = step.events.find((e) => e.type === "proposal_result" && e.proposal_id === id)!;
    assert.deepEqual(result.supporters, supporters, `proposal ${id}: supporters`);
    assert.deepEqual(result.opposers, opposers, `proposal ${id}: opposers`);
    assert.equal(result.for, supporters.length);
    assert.equal(result.against, opposers.length);
    const passes = proposalPasses(
      c.proposal_type as "appeal",
      supporters.length,
      opposers.length,
      result.alive as number,
    );
    assert.equal(result.passed, passes, `proposal ${id}: passed`);
    checked++;
  }
  return checked;
}

Deno.test("votes tallied per proposal: every result equals a recount of the executed votes", () => {
  let checked = 0;
  for (const [n, seeds] of [[3, 4], [6, 6], [12, 4], [200, 1]] as const) {
    for (let seed = 0; seed < seeds; seed++) {
      const config = parseSocietyConfig({ citizens: n });
      const { steps } = playOffline(config, seed, { keepSteps: true });
      for (let d = 1; d < steps.length; d++) {
        const created = steps[d - 1].events.filter((e) => e.type === "proposal_created");
        checked += recount(created, steps[d], config.citizens);
        // a second vote is dropped, with its reason, and only a second one
        for (const [name, info] of Object.entries(steps[d].infos)) {
          for (const drop of info.dropped) {
            const m = /^second vote on proposal (\d+)/.exec(drop.reason);
            if (!m) continue;
            const r = steps[d].events.find((e) =>
              e.type === "proposal_result" && e.proposal_id === Number(m[1])
            )!;
            const voters = [...r.supporters as string[], ...r.opposers as string[]];
            assert.ok(voters.includes(name), `${name}'s dropped vote on ${m[1]} was a first vote`);
          }
        }
      }
    }
  }
  assert.ok(checked > 100, `only ${checked} proposals recounted`);
});

Deno.test("votes: the O(1) tally look-up answers as the scan of supporters and opposers", () => {
  const rng = new Rng(7);
  const names = Array.from({ length: 8 }, (_, i) => `c${i}`);
  const proposals = [1, 2, 3].map((id) => ({
    id,
    day: 1,
    proposer: names[id],
    proposal_type: "resource_allocation" as const,
    content: "c0:1",
    supporters: [names[id]],
    opposers: [] as string[],
  }));
  const voted = new Map(proposals.map((p) => [p.id, new Set([p.proposer])]));
  const base: ActionWorld = {
    isCitizen: (n) => names.includes(n),
    isAlive: (n) => names.includes(n),
    openProposal: (id) => proposals.find((p) => p.id === id),
    madeToday: (id) => id === 4,
    nextProposalId: 5,
    maxChars: 200,
  };
  const fast: ActionWorld = { ...base, hasVoted: (id, n) => voted.get(id)?.has(n) ?? false };
  for (let i = 0; i < 400; i++) {
    const actor = rng.pick(names);
    const raw = { type: "vote", proposal_id: rng.int(0, 5), support: rng.chance(0.5) };
    const slow = validateAction(actor, raw, base);
    assert.deepEqual(validateAction(actor, raw, fast), slow);
    if ("action" in slow && slow.action.type === "vote") {
      const id = slow.action.proposal_id;
      const p = proposals.find((x) => x.id === id)!;
      (raw.support ? p.supporters : p.opposers).push(actor);
      voted.get(p.id)!.add(actor);
    }
  }
});

Deno.test("best responses of a whole day equal bestResponseRequest for each citizen", () => {
  const rng = new Rng(3);
  for (let t = 0; t < 300; t++) {
    const requests = Array.from(
      { length: rng.int(1, 9) },
      () => rng.int(0, rng.int(0, 1) ? 5 : 400),
    );
    const available = rng.int(0, 2000);
    const all = bestResponses(requests, available);
    requests.forEach((_, i) => {
      assert.deepEqual(all[i], bestResponseRequest(requests, i, available), `${requests} ${i}`);
    });
  }
});

Deno.test("scaled defaults: the SPEC's up to 6 citizens, per citizen above; explicit wins", () => {
  const spec = { resources: 3000, token_budget: 200_000 };
  for (const input of [{}, { citizens: 3 }, { citizens: 6 }, { citizens: ["a", "b"] }]) {
    const c = parseSocietyConfig(input);
    assert.deepEqual({ resources: c.resources, token_budget: c.token_budget }, spec);
  }
  assert.deepEqual(scaledDefaults(7), { resources: 3500, token_budget: 233_333 });
  assert.deepEqual(scaledDefaults(1000), { resources: 500_000, token_budget: 33_333_333 });
  // the README's example: per citizen, and per day beyond the SPEC's ten
  const big = parseSocietyConfig({ citizens: 200, days: 30 });
  assert.deepEqual([big.resources, big.token_budget], [300_000, 20_000_000]);
  assert.deepEqual(scaledDefaults(6, 30), { resources: 9000, token_budget: 600_000 });
  const long = parseSocietyConfig({ days: 20 });
  assert.deepEqual([long.resources, long.token_budget], [6000, 400_000]);
  const short = parseSocietyConfig({ citizens: 60, days: 5 });
  assert.deepEqual([short.resources, short.token_budget], [30_000, 2_000_000]);
  const named = parseSocietyConfig({ citizens: Array.from({ length: 12 }, (_, i) => `n${i}`) });
  assert.equal(named.resources, 6000);
  const explicit = parseSocietyConfig({ citizens: 1000, resources: 10, token_budget: 2_000_000 });
  assert.deepEqual([explicit.resources, explicit.token_budget], [10, 2_000_000]);
  assert.throws(
    () => parseSocietyConfig({ citizens: 1000, token_budget: 200_000 }),
    /config\.token_budget: must cover day 1/,
  );
  // an agents file re-seats the defaults, never an explicit value
  const six = parseSocietyConfig({});
  assert.deepEqual(reseatScaledDefaults(six, 60), { resources: 30_000, token_budget: 2_000_000 });
  assert.deepEqual(
    reseatScaledDefaults({ ...six, resources: 777 }, 60),
    { resources: 777, token_budget: 2_000_000 },
  );
});

Deno.test("scaled defaults: 3, 30 and 1,000 citizens are viable under the default policies", () => {
  for (const n of [3, 30, 1000]) {
    for (const seed of [0, 1]) {
      const ten = playOffline(parseSocietyConfig({ citizens: n }), seed).summary;
      assert.equal(ten.end_reason, "day_limit", `${n} citizens, seed ${seed}: ${ten.end_reason}`);
      assert.ok(ten.survivors.length >= n / 2, `${n} citizens: ${ten.survivors.length} survive`);
      // a longer horizon: the pool and budget grow with it, so the society lives most of it
      const long = playOffline(parseSocietyConfig({ citizens: n, days: 30 }), seed).summary;
      assert.ok(long.days_played >= 20, `${n} citizens x 30 days: over on ${long.days_played}`);
    }
  }
});

Deno.test("a crowd: proposals per day stay about a CROWD's, votes within the AP", () => {
  const config = parseSocietyConfig({ citizens: 1000, days: 5 });
  const { steps } = playOffline(config, 0, { keepSteps: true });
  for (const step of steps) {
    const made = step.events.filter((e) => e.type === "proposal_created").length;
    assert.ok(made <= 3 * CROWD, `${made} proposals on one day`);
    const messages = step.events.filter((e) => e.type === "private_message").length;
    assert.ok(messages <= CROWD, `${messages} messages on one day`);
    for (const info of Object.values(step.infos)) {
      assert.ok(info.dropped.length <= info.ap_before + 3, "a crowd's ballot is cut to the AP");
    }
  }
});

/** A registry module whose society plays 1,000 citizens by default (for the child). */
const REGISTRY = new URL("./_thousand_registry.ts", import.meta.url).href;
const PACED = new URL("../../support/paced_run.ts", import.meta.url).pathname;

function child(args: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", PACED, REGISTRY, "society", ...args],
    stdout: "piped",
    stderr: "piped",
  });
}

Deno.test("a 1,000-citizen society SIGKILLed mid-run resumes to the uninterrupted run's files", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-society-thousand-" });
  try {
    const base = ["--seed", "5", "--horizon", "5"];
    const full = await child([...base, "--out", join(root, "full")]).output();
    assert.equal(full.code, 0, new TextDecoder().decode(full.stderr));
    const dir = join(root, "killed");
    const proc = child([...base, "--out", dir, "--pace", "200"]).spawn();
    const err = new Response(proc.stderr).text();
    if (!(await waitForStep(proc.stdout, 3))) assert.fail(`the child ended early: ${await err}`);
    proc.kill("SIGKILL");
    const status = await proc.status;
    await proc.stdout.cancel().catch(() => {});
    await err;
    assert.equal(status.signal, "SIGKILL", "the child was killed, not finished");
    const summary = join(dir, "summary.json");
    assert.equal(await Deno.stat(summary).then(() => true, () => false), false, "killed mid-run");
    const rounds = (await Deno.readTextFile(join(dir, "checkpoints.jsonl"))).split("\n")
      .flatMap((l) => {
        try {
          return [JSON.parse(l).round as number];
        } catch {
          return []; // a torn tail
        }
      });
    const last = rounds.at(-1) ?? 0;
    assert.ok(last >= 3 && last < 5, `the last checkpoint (day ${last}) is mid-run`);
    const resumed = await child(["--resume", dir]).output();
    assert.equal(resumed.code, 0, new TextDecoder().decode(resumed.stderr));
    for (const file of ["summary.json", "decisions.jsonl", "events.jsonl"]) {
      const want = await Deno.readTextFile(join(root, "full", file));
      assert.ok(want.length > 0);
      assert.equal(await Deno.readTextFile(join(dir, file)), want, `${file} differs`);
    }
    const rows = (await Deno.readTextFile(join(dir, "decisions.jsonl"))).trim().split("\n");
    assert.equal(JSON.parse(rows[0]).agent, "citizen_0001", "1,000 citizens played");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("policies: a day's shared indices never answer for another observation", () => {
  const engine = new SocietyEngine(parseSocietyConfig({ citizens: 8 }));
  const base = engine.reset({ seed: 0 }).observations.citizen_001;
  for (const available of [3000, 90, 0, 4000]) {
    // the same arrays, another pool: the memoised totals must not be reused
    const o = { ...base, available };
    for (const policy of ["best_response", "cooperative", "selfish"]) {
      const memory = { grudges: [] };
      const want = REFERENCE_RULES[policy](o, new Rng(1), structuredClone(memory));
      const agent = createSocietyPolicy(policy, o.name, new Rng(1));
      const got = agent.act({ agent: o.name, round: 1, observation: o, info: {} as never });
      assert.deepEqual((got as { action: SocietyDecision }).action, want, `${policy} ${available}`);
    }
  }
});

Deno.test("scaled defaults: a malformed explicit value is still an error naming the field", () => {
  assert.throws(
    () => parseSocietyConfig({ citizens: 100, resources: null }),
    /config\.resources/,
  );
  assert.throws(() => parseSocietyConfig({ citizens: 100, token_budget: "lots" }), /token_budget/);
});
