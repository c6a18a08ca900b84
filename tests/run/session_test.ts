/**
 * The run session and life cycle: one step at a time, never two at once, run policies,
 * summaries from the final state, the directory lock, corruption refused on resume.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../../lib/core/config.ts";
import { CheckpointRecordSchema, DecisionRecordSchema } from "../../lib/core/records.ts";
import { readJsonl } from "../../lib/core/run_log.ts";
import type { LineBuffer } from "../../lib/core/line_buffer.ts";
import { findExperiment } from "../../lib/cli/registry.ts";
import { openRun, resumeRun, runToEnd } from "../../lib/run/open.ts";
import { RunOverError, SessionBusyError } from "../../lib/run/session.ts";
import { parseRunPolicy } from "../../lib/run/run_policy.ts";
import { acquireLock } from "../../lib/core/run_dir.ts";
import { sealCheckpoint } from "../../lib/core/verify_logs.ts";
import { createHash } from "node:crypto";
import { startOpenAIServer } from "../support/llm_servers.ts";

const ipd = findExperiment("ipd")!;

async function tmp(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "lab-session-" });
}

Deno.test("session: step() plays exactly one step; a second step in flight is refused", async () => {
  const root = await tmp();
  const s = await openRun({
    experiment: ipd,
    config: {},
    horizon: 4,
    seed: 3,
    runsRoot: root,
    reportsRoot: null,
  });
  const first = s.step();
  await assert.rejects(s.step(), SessionBusyError);
  const r = await first;
  assert.equal(r.step, 1);
  assert.deepEqual(Object.keys(r.decisions).sort(), ["alice", "bob"]);
  assert.equal(s.steps, 1);
  assert.equal((await s.run({ until: 3 })).status, "paused");
  assert.equal(s.steps, 3);
  const out = await runToEnd(s);
  assert.equal(out.outcome.status, "completed");
  assert.equal(out.summary.steps, 4);
  await assert.rejects(s.step(), RunOverError);
  const rows = await readJsonl(join(s.dir, "decisions.jsonl"), DecisionRecordSchema);
  assert.deepEqual(rows.map((r) => r.round), [1, 1, 2, 2, 3, 3, 4, 4]);
  assert.ok(rows.every((r) => r.fallback === false && r.parse_ok));
});

Deno.test("session: checkpoint at the end and no rows still give the full summary", async () => {
  const root = await tmp();
  const base = { experiment: ipd, config: {}, horizon: 200, seed: 1, reportsRoot: null };
  const quiet = await runToEnd(
    await openRun({
      ...base,
      out: join(root, "a"),
      policy: { checkpointEvery: "end", logDecisions: "none" },
    }),
  );
  const full = await runToEnd(await openRun({ ...base, out: join(root, "b") }));
  assert.equal(
    (await readJsonl(join(root, "a", "decisions.jsonl"), DecisionRecordSchema)).length,
    0,
  );
  const cps = await readJsonl(join(root, "a", "checkpoints.jsonl"), CheckpointRecordSchema);
  assert.deepEqual(cps.map((c) => c.round), [0, 200]);
  for (const k of ["agents", "reward_ranking", "mutual_cooperation", "mutual_cooperation_rate"]) {
    assert.deepEqual(quiet.summary[k], full.summary[k], k);
  }
  const every10 = await runToEnd(
    await openRun({ ...base, out: join(root, "c"), policy: { logDecisions: "10" } }),
  );
  assert.equal(every10.outcome.status, "completed");
  const rows = await readJsonl(join(root, "c", "decisions.jsonl"), DecisionRecordSchema);
  assert.deepEqual([...new Set(rows.map((r) => r.round))].slice(0, 3), [10, 20, 30]);
});

Deno.test("run policy: flags parse over the experiment's default; bad values name the flag", () => {
  assert.deepEqual(parseRunPolicy({}), { checkpointEvery: 1, logDecisions: "all" });
  assert.deepEqual(parseRunPolicy({ checkpointEvery: "end", logDecisions: "1" }), {
    checkpointEvery: "end",
    logDecisions: "all",
  });
  assert.deepEqual(
    parseRunPolicy({ checkpointEvery: "25" }, { checkpointEvery: "end", logDecisions: "none" }),
    { checkpointEvery: 25, logDecisions: "none" },
  );
  assert.throws(() => parseRunPolicy({ checkpointEvery: "0" }), /--checkpoint-every: /);
  assert.throws(() => parseRunPolicy({ logDecisions: "some" }), /--log-decisions: /);
});

Deno.test("run dir lock: a second writer is refused naming the pid; a dead holder's lock is taken over", async () => {
  const root = await tmp();
  const out = join(root, "run");
  const s = await openRun({ experiment: ipd, config: {}, seed: 0, out, reportsRoot: null });
  await assert.rejects(
    resumeRun(out, findExperiment),
    (e: Error) => e instanceof ConfigError && e.message.includes(`process ${Deno.pid}`),
  );
  s.close();
  // a stale lock: a pid that does not exist
  await Deno.writeTextFile(
    join(out, ".lock"),
    JSON.stringify({ pid: 2 ** 22 + 12345, host: Deno.hostname(), since: "then" }),
  );
  const again = await resumeRun(out, findExperiment, { reportsRoot: null });
  const r = await runToEnd(again);
  assert.equal(r.outcome.status, "completed");
  // released after the run
  (await acquireLock(out)).release();
});

Deno.test("resume: a damaged line in the middle of a log is refused naming file:line", async () => {
  const root = await tmp();
  const out = join(root, "run");
  const s = await openRun({ experiment: ipd, config: {}, seed: 0, out, reportsRoot: null });
  await s.run({ until: 3 });
  s.close();
  const path = join(out, "decisions.jsonl");
  const original = await Deno.readTextFile(path);
  const lines = original.split("\n");
  lines[2] = lines[2].slice(0, 10);
  await Deno.writeTextFile(path, lines.join("\n"));
  await assert.rejects(
    resumeRun(out, findExperiment, { reportsRoot: null }),
    (e: Error) => e instanceof ConfigError && e.message.includes(`${path}:3: invalid JSON`),
  );
  // a torn last line after the checkpoint (a crash mid-write) is cut and the run resumes
  await Deno.writeTextFile(path, original + '{"v":1,"rou');
  const r = await runToEnd(await resumeRun(out, findExperiment, { reportsRoot: null }));
  assert.equal(r.outcome.status, "completed");
});

/** An interrupted IPD run (3 of 10 rounds played); its directory and decisions log. */
async function interrupted(): Promise<{ out: string; path: string; text: string }> {
  const out = join(await tmp(), "run");
  const s = await openRun({ experiment: ipd, config: {}, seed: 0, out, reportsRoot: null });
  await s.run({ until: 3 });
  s.close();
  const path = join(out, "decisions.jsonl");
  return { out, path, text: await Deno.readTextFile(path) };
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name !== ".lock") files[e.name] = await Deno.readTextFile(join(dir, e.name));
  }
  return files;
}

Deno.test("resume verifies before it replays: cut, duplicated, missing, edited and mistyped rows are refused naming file:line, nothing changed", async () => {
  const damages: [string, (lines: string[]) => string[], string][] = [
    [
      "cut to half",
      (l) => l.slice(0, Math.floor(l.length / 2)),
      "differs from what the checkpoint",
    ],
    ["a duplicated line", (l) => [l[0], ...l], "differs from what the checkpoint"],
    ["a missing line", (l) => [l[0], ...l.slice(2)], "differs from what the checkpoint"],
    [
      "an edited value",
      (l) => [l[0], l[1].replace(/"reward":\d+/, '"reward":99'), ...l.slice(2)],
      "differs",
    ],
    [
      "a mistyped value",
      (l) => [l[0], l[1].replace(/"reward":\d+/, '"reward":"x"'), ...l.slice(2)],
      ":2: record.reward: ",
    ],
  ];
  for (const [what, damage, expected] of damages) {
    const { out, path, text } = await interrupted();
    const lines = text.split("\n").filter((l) => l);
    await Deno.writeTextFile(path, damage(lines).map((l) => l + "\n").join(""));
    const before = await snapshot(out);
    await assert.rejects(
      resumeRun(out, findExperiment, { reportsRoot: null }),
      (e: Error) => {
        assert.ok(e instanceof ConfigError, `${what}: ${e}`);
        assert.match(
          e.message,
          new RegExp(`^--resume: ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+: `),
          what,
        );
        assert.ok(e.message.includes(expected), `${what}: ${e.message}`);
        return true;
      },
    );
    assert.deepEqual(await snapshot(out), before, `${what}: the refusal changed files`);
  }
});

Deno.test("resume: the logs of a resumed run verify again at its next resume (hash carried across)", async () => {
  const { out } = await interrupted();
  const again = await resumeRun(out, findExperiment, { reportsRoot: null });
  await again.run({ until: 6 });
  again.close();
  const third = await resumeRun(out, findExperiment, { reportsRoot: null });
  const r = await runToEnd(third);
  assert.equal(r.outcome.status, "completed");
  // the same as an uninterrupted run
  const whole = join(await tmp(), "whole");
  await runToEnd(
    await openRun({ experiment: ipd, config: {}, seed: 0, out: whole, reportsRoot: null }),
  );
  assert.equal(
    await Deno.readTextFile(join(out, "decisions.jsonl")),
    await Deno.readTextFile(join(whole, "decisions.jsonl")),
  );
});

Deno.test("resume refuses an edited last checkpoint, a checkpoint missing a log's mark, and a deleted log", async () => {
  const edits: [string, (dir: string) => Promise<void>, RegExp][] = [
    ["an edited checkpoint", async (dir) => {
      const path = join(dir, "checkpoints.jsonl");
      const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
      lines[lines.length - 1] = lines.at(-1)!.replace('"tokens":0', '"tokens":5');
      await Deno.writeTextFile(path, lines.join("\n") + "\n");
    }, /checkpoints\.jsonl:\d+: the checkpoint of round 3 does not match its own digest/],
    ["a missing mark", async (dir) => {
      const path = join(dir, "checkpoints.jsonl");
      const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
      const last = JSON.parse(lines.at(-1)!);
      delete last.logs.decisions;
      delete last.check;
      lines[lines.length - 1] = JSON.stringify(last);
      await Deno.writeTextFile(path, lines.join("\n") + "\n");
    }, /checkpoints\.jsonl:\d+: the checkpoint of round 3 records no mark for decisions\.jsonl/],
    ["a deleted log", async (dir) => {
      await Deno.remove(join(dir, "decisions.jsonl"));
    }, /decisions\.jsonl:1: differs from what the checkpoint/],
  ];
  for (const [what, edit, expected] of edits) {
    const { out } = await interrupted();
    await edit(out);
    const before = await snapshot(out);
    await assert.rejects(
      resumeRun(out, findExperiment, { reportsRoot: null }),
      (e: Error) => e instanceof ConfigError && expected.test(e.message),
      what,
    );
    assert.deepEqual(await snapshot(out), before, `${what}: the refusal changed files`);
  }
});

/** Rewrites every checkpoint's marks as sha256 digests, as runs before CRC-32 wrote them. */
async function withSha256Marks(dir: string): Promise<void> {
  const cpPath = join(dir, "checkpoints.jsonl");
  const lines = (await Deno.readTextFile(cpPath)).trimEnd().split("\n");
  const files: Record<string, Uint8Array> = {};
  for (const s of ["decisions", "llm_calls", "events"]) {
    files[s] = await Deno.readFile(join(dir, `${s}.jsonl`));
  }
  const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
  const written: string[] = [];
  for (const line of lines) {
    const { check: _, ...cp } = JSON.parse(line);
    for (const [s, mark] of Object.entries(cp.logs) as [string, Record<string, unknown>][]) {
      assert.match(String(mark.crc32), /^[0-9a-f]{8}$/, "new marks carry a CRC-32");
      const bytes = s === "checkpoints"
        ? new TextEncoder().encode(written.map((l) => l + "\n").join(""))
        : files[s].subarray(0, mark.bytes as number);
      // (the checkpoints' own lines grew: their mark counts the rewritten bytes)
      cp.logs[s] = { rows: mark.rows, bytes: bytes.length, sha256: sha(bytes) };
    }
    written.push(JSON.stringify(sealCheckpoint(cp)));
  }
  await Deno.writeTextFile(cpPath, written.map((l) => l + "\n").join(""));
}

Deno.test("resume: a run whose marks are sha256 (written before CRC-32) verifies, refuses damage, and goes on with CRC-32 marks", async () => {
  const { out, path } = await interrupted();
  await withSha256Marks(out);
  // damage is still refused against the sha256 marks
  const good = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, good.replace(/"reward":(\d+)/, (_, r) => `"reward":${+r + 1}`));
  await assert.rejects(
    resumeRun(out, findExperiment, { reportsRoot: null }),
    /decisions\.jsonl:1: differs from what the checkpoint/,
  );
  await Deno.writeTextFile(path, good);
  const again = await resumeRun(out, findExperiment, { reportsRoot: null });
  await again.run({ until: 6 });
  again.close();
  const cps = await readJsonl(join(out, "checkpoints.jsonl"), CheckpointRecordSchema);
  assert.ok(cps.some((c) => c.logs?.decisions?.sha256), "the old marks stay");
  assert.ok(cps.at(-1)!.logs!.decisions!.crc32, "the new ones are CRC-32");
  // the next resume verifies the mixed log, and the run ends as an uninterrupted one
  const r = await runToEnd(await resumeRun(out, findExperiment, { reportsRoot: null }));
  assert.equal(r.outcome.status, "completed");
  const whole = join(await tmp(), "whole");
  await runToEnd(
    await openRun({ experiment: ipd, config: {}, seed: 0, out: whole, reportsRoot: null }),
  );
  assert.equal(
    await Deno.readTextFile(path),
    await Deno.readTextFile(join(whole, "decisions.jsonl")),
  );
});

Deno.test("resume refuses a run whose prompts this version would build differently (another prompt variant)", async () => {
  const blockchain = findExperiment("blockchain")!;
  await using srv = startOpenAIServer(() => ({
    reply: '{"thought": "t", "rival_labels": {}, "action": [1, 0, 0]}',
  }));
  const agents = ["a", "b", "c"].map((name) => ({
    name,
    provider: "openai",
    model: "gpt-4o-mini",
    base_url: srv.baseURL,
    api_key: "k",
  }));
  const out = join(await tmp(), "run");
  const s = await openRun({
    experiment: blockchain,
    config: { rounds: 6 },
    seed: 0,
    out,
    reportsRoot: null,
    // deno-lint-ignore no-explicit-any
    agents: agents as any,
  });
  await s.run({ until: 3 });
  s.close();
  const path = join(out, "config.json");
  const rc = JSON.parse(await Deno.readTextFile(path));
  const variant = rc.provenance.ablation.prompt_variant;
  assert.match(variant, /^[0-9a-f]{16}$/);
  // as a run started by a version with other prompt defaults would have recorded it
  rc.provenance.ablation.prompt_variant = "0123456789abcdef";
  rc.provenance.ablation.template = "blockchain.miner/1";
  await Deno.writeTextFile(path, JSON.stringify(rc));
  await assert.rejects(
    resumeRun(out, findExperiment, {
      reportsRoot: null,
      // deno-lint-ignore no-explicit-any
      agents: agents as any,
    }),
    (e: Error) =>
      e instanceof ConfigError &&
      e.message.includes("was played with prompt variant 0123456789abcdef") &&
      e.message.includes(`this version builds ${variant}`),
  );
  // the same variant resumes
  rc.provenance.ablation.prompt_variant = variant;
  rc.provenance.ablation.template = "blockchain.miner/2";
  await Deno.writeTextFile(path, JSON.stringify(rc));
  const r = await runToEnd(
    await resumeRun(out, findExperiment, {
      reportsRoot: null,
      // deno-lint-ignore no-explicit-any
      agents: agents as any,
    }),
  );
  assert.equal(r.outcome.status, "completed");
});

Deno.test("decision rows: integer-like keys and reserved fields are logged as the record's JSON", async () => {
  const odd: [string, (row: Record<string, unknown>) => Record<string, unknown>][] = [
    ["an integer-like key", (row) => ({ ...row, "42": 1 })],
    ["a reserved field", (row) => ({ ...row, round: 99 })],
    ["a plain row", (row) => ({ ...row, note: 'quote " and \u2028 and 😀' })],
  ];
  for (const [what, change] of odd) {
    const wrapped = {
      ...ipd,
      build: async (config: never, ctx: never) => {
        const built = await ipd.build(config, ctx);
        return {
          ...built,
          decisionRow: (...a: Parameters<typeof built.decisionRow>) =>
            change(built.decisionRow(...a)),
        };
      },
    } as typeof ipd;
    const out = join(await tmp(), "run");
    const s = await openRun({ experiment: wrapped, config: {}, seed: 0, out, reportsRoot: null });
    await s.run({ until: 3 });
    s.close();
    const lines = (await Deno.readTextFile(join(out, "decisions.jsonl"))).trimEnd().split("\n");
    assert.equal(lines.length, 6, what);
    for (const line of lines) {
      // each line is what JSON.stringify makes of the record the run layer builds
      const r = JSON.parse(line);
      const { v, round, agent, fallback, parse_ok, ...rest } = r;
      const row = what === "a reserved field" ? { ...rest, round } : rest;
      const record = JSON.stringify({ v, round, agent, ...row, fallback, parse_ok });
      assert.equal(line, record, what);
    }
  }
});

Deno.test("decision rows an engine serialises itself: logged as decisionRow's would be; a wrong serialiser stops the run at its first validated row", async () => {
  const withJson = (serialise: (row: Record<string, unknown>) => string) =>
    ({
      ...ipd,
      build: async (config: never, ctx: never) => {
        const built = await ipd.build(config, ctx);
        return {
          ...built,
          decisionRowJson: (...a: Parameters<typeof built.decisionRow>) => {
            const row = built.decisionRow(...a);
            return {
              write: (out: LineBuffer) => out.text(serialise(row)),
              reward: row.reward as number,
              row: () => built.decisionRow(...a),
            };
          },
        };
      },
    }) as typeof ipd;
  const root = await tmp();
  const run = async (experiment: typeof ipd, name: string) => {
    const out = join(root, name);
    const s = await openRun({
      experiment,
      config: {},
      seed: 4,
      horizon: 300,
      out,
      reportsRoot: null,
    });
    return { out, result: await runToEnd(s) };
  };
  const plain = await run(ipd, "plain");
  const fast = await run(withJson((row) => JSON.stringify(row).slice(1, -1)), "fast");
  assert.equal(
    await Deno.readTextFile(join(fast.out, "decisions.jsonl")),
    await Deno.readTextFile(join(plain.out, "decisions.jsonl")),
  );
  assert.deepEqual(fast.result.summary.returns, plain.result.summary.returns);
  // a row with a field of the run layer or an integer-like key is refused, naming the keys
  for (const [odd, key] of [[{ fallback: true }, "fallback"], [{ "7": 1 }, "7"]] as const) {
    const writes = (row: Record<string, unknown>) =>
      JSON.stringify({ ...row, ...odd }).slice(1, -1);
    const experiment = withJson(writes);
    const build = experiment.build;
    const oddRows = {
      ...experiment,
      build: async (config: never, ctx: never) => {
        const built = await build(config, ctx);
        return {
          ...built,
          decisionRowJson: (...a: Parameters<typeof built.decisionRow>) => {
            const r = built.decisionRowJson!(...a);
            return { ...r, write: r.write, row: () => ({ ...r.row(), ...odd }) };
          },
        };
      },
    } as typeof ipd;
    const out = join(root, crypto.randomUUID());
    const s = await openRun({ experiment: oddRows, config: {}, seed: 4, out, reportsRoot: null });
    await assert.rejects(s.run(), new RegExp(`run layer or an integer-like key \\(${key}\\)`));
    s.close();
  }
  // a serialiser that writes another value, or drops a field, is caught at the first row
  for (
    const wrong of [
      (row: Record<string, unknown>) => JSON.stringify({ ...row, reward: 0.5 }).slice(1, -1),
      (row: Record<string, unknown>) => JSON.stringify({ ...row, action: undefined }).slice(1, -1),
    ]
  ) {
    const out = join(root, crypto.randomUUID());
    const s = await openRun({
      experiment: withJson(wrong),
      config: {},
      seed: 4,
      horizon: 300,
      out,
      reportsRoot: null,
    });
    await assert.rejects(s.run(), /serialised form differs from the record's JSON/);
    s.close();
    assert.equal(await Deno.readTextFile(join(out, "decisions.jsonl")), "");
  }
});
