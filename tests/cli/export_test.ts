/**
 * `deno task export`: a run's frames and a sweep's runs and decisions, written as Parquet and
 * CSV and read back (nodejs-polars, and pandas when the machine has it) equal to the frames
 * the loaders give; bad input exits with code 2 and one line.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "nodejs-polars";
import { loadDecisions, loadEvents, loadLlmCalls } from "../../lib/analysis/frames.ts";
import { loadSweep } from "../../lib/analysis/sweep.ts";
import { exportMain, parseExportArgs } from "../../lib/cli/export.ts";
import { findExperiment } from "../../lib/cli/registry.ts";
import { ConfigError } from "../../lib/core/config.ts";
import { captureConsole, runCli } from "../support/cli.ts";

const IPD_SCHEMA = findExperiment("ipd")!.decisionSchema;

/** Runs `exportMain` capturing stdout and stderr. */
const runExport = (argv: string[]) => captureConsole(() => exportMain(argv));

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r) + "\n").join("");

/** A run directory written by hand: an LLM seat and a policy, calls and events. */
async function writeRun(dir: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    join(dir, "config.json"),
    JSON.stringify({
      v: 1,
      experiment: "ipd",
      seed: 4,
      created_at: "2025-01-01T00:00:00Z",
      options: {},
      config: { rounds: 3 },
      agents: [
        { name: "alice", provider: "openai", model: "gpt-4o-mini", api_key: "<redacted>" },
        { name: "bob", provider: "policy", policy: "grim" },
      ],
    }),
  );
  const decisions = [];
  for (let round = 1; round <= 3; round++) {
    const fallback = round === 2;
    decisions.push(
      {
        v: 1,
        round,
        agent: "alice",
        action: "C",
        reward: 3,
        cumulative_reward: 3 * round,
        parse_ok: !fallback,
        fallback,
        ...(fallback ? {} : { thought: `round ${round}: "trust", then\nverify` }),
      },
      {
        v: 1,
        round,
        agent: "bob",
        action: "D",
        reward: 0.1 * round,
        cumulative_reward: 0.5,
        parse_ok: true,
        fallback: false,
      },
    );
  }
  const call = (round: number, ok: boolean) => ({
    v: 1,
    round,
    agent: "alice",
    purpose: ok ? "decision" : "decision_retry",
    model: "gpt-4o-mini",
    prompt_hash: `h${round}`,
    input_tokens: 100 + round,
    output_tokens: 20,
    cached_tokens: 0,
    latency_ms: 12.25,
    cost_usd: 0.000015,
    parse_ok: ok,
    attempts: 1,
    from_cache: false,
    ...(ok ? {} : { raw: "no, json", error: "no action" }),
  });
  await Deno.writeTextFile(join(dir, "decisions.jsonl"), jsonl(decisions));
  await Deno.writeTextFile(
    join(dir, "llm_calls.jsonl"),
    jsonl([call(1, true), call(2, false), call(3, true)]),
  );
  await Deno.writeTextFile(
    join(dir, "events.jsonl"),
    jsonl([{ v: 1, round: 2, type: "fallback", agent: "alice" }, {
      v: 1,
      round: 3,
      type: "end",
      totals: { alice: 9 },
    }]),
  );
  return dir;
}

/** Frames equal in columns, types and values. */
function assertFrameEqual(actual: pl.DataFrame, expected: pl.DataFrame, what: string) {
  assert.deepEqual(actual.columns, expected.columns, `${what}: columns`);
  assert.deepEqual(actual.dtypes.map(String), expected.dtypes.map(String), `${what}: types`);
  assert.equal(actual.height, expected.height, `${what}: rows`);
  assert.ok(actual.frameEqual(expected, true), `${what}: values`);
}

/** A CSV read back: same columns, same values (numbers to 1e-12; types are CSV's own). */
function assertCsvEqual(path: string, expected: pl.DataFrame, what: string) {
  const text = Deno.readTextFileSync(path);
  assert.equal(
    text.split("\n")[0],
    expected.columns.map((c) => /[",]/.test(c) ? `"${c}"` : c).join(","),
  );
  const actual = pl.readCSV(text, { inferSchemaLength: 0 }); // every column as text
  assert.equal(actual.height, expected.height, `${what}: rows`);
  const got = actual.toRecords();
  expected.toRecords().forEach((row, i) => {
    for (const [k, v] of Object.entries(row)) {
      const cell = got[i][k] as string | null;
      if (v === null || v === undefined) assert.equal(cell, null, `${what} row ${i} ${k}`);
      else if (typeof v === "number") {
        assert.ok(Math.abs(Number(cell) - v) <= 1e-12, `${what} row ${i} ${k}: ${cell} vs ${v}`);
      } else assert.equal(cell, String(v), `${what} row ${i} ${k}`);
    }
  });
}

Deno.test("export: a run's decisions, llm_calls and events as Parquet and CSV", async () => {
  const root = await Deno.makeTempDir({ prefix: "export_run_" });
  try {
    const run = await writeRun(join(root, "run"));
    const r = await runExport([run]);
    assert.equal(r.code, 0, r.err);
    const expected = {
      decisions: await loadDecisions(run, { schema: IPD_SCHEMA }),
      llm_calls: await loadLlmCalls(run),
      events: await loadEvents(run),
    };
    assert.deepEqual(expected.decisions.height, 6);
    assert.ok(expected.decisions.columns.includes("cumulative_reward"), "typed by the schema");
    for (const [name, df] of Object.entries(expected)) {
      const path = join(run, "export", `${name}.parquet`);
      assert.match(r.out, new RegExp(`${name}\\.parquet: ${df.height} rows`));
      assertFrameEqual(pl.readParquet(path), df, name);
    }
    const csv = join(root, "csv");
    assert.equal((await runExport([run, "--format", "csv", "--out", csv])).code, 0);
    for (const [name, df] of Object.entries(expected)) {
      assertCsvEqual(join(csv, `${name}.csv`), df, name);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("export: a sweep's runs and decisions with cell and parameters", async () => {
  const root = await Deno.makeTempDir({ prefix: "export_sweep_" });
  try {
    const grid = join(root, "grid.json");
    await Deno.writeTextFile(
      grid,
      JSON.stringify({ experiment: "ipd", grid: { rounds: [3, 4], "payoffs.T": [5, 6] } }),
    );
    const sweep = join(root, "sw");
    const s = await runCli(["--sweep", grid, "--seeds", "0..1", "--out", sweep, "--quiet"]);
    assert.equal(s.code, 0, s.err);
    const r = await runExport([sweep]);
    assert.equal(r.code, 0, r.err);

    const runs = await loadSweep(sweep);
    assert.equal(runs.height, 8);
    assertFrameEqual(pl.readParquet(join(sweep, "export", "runs.parquet")), runs, "runs");

    const decisions = pl.readParquet(join(sweep, "export", "decisions.parquet"));
    assert.deepEqual(decisions.columns.slice(0, 6), [
      "run",
      "experiment",
      "seed",
      "cell",
      "rounds",
      "payoffs.T",
    ]);
    // Every run's decisions, as loadDecisions gives them, with its cell and parameters.
    let total = 0;
    for (const row of runs.toRecords()) {
      const own = await loadDecisions(join(sweep, "runs", row.run as string), {
        schema: IPD_SCHEMA,
      });
      const mine = decisions.filter(pl.col("run").eq(pl.lit(row.run as string)));
      assert.equal(mine.height, own.height, `${row.run} rows`);
      assert.equal(mine.height, 2 * (row.rounds as number), `${row.run}: 2 players x rounds`);
      assertFrameEqual(mine.select(...own.columns), own, `decisions of ${row.run}`);
      for (const k of ["cell", "rounds", "payoffs.T"]) {
        assert.deepEqual(
          [...new Set(mine.getColumn(k).toArray())],
          [row[k]],
          `${row.run} ${k}`,
        );
      }
      total += own.height;
    }
    assert.equal(decisions.height, total);

    const csv = join(root, "csv");
    assert.equal((await runExport([sweep, "--format", "csv", "--out", csv])).code, 0);
    assertCsvEqual(join(csv, "runs.csv"), runs, "runs.csv");
    assert.equal(pl.readCSV(join(csv, "decisions.csv")).height, total);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("export: bad input exits 2 with one line naming the flag or path", async () => {
  const root = await Deno.makeTempDir({ prefix: "export_bad_" });
  try {
    const cases: [string[], RegExp][] = [
      [[join(root, "missing")], /^error: .*missing: no such directory$/],
      [[root], /^error: .*: neither a run directory \(no config\.json\) nor a sweep directory/],
      [[root, "--format", "xlsx"], /^error: --format: expected parquet or csv, got 'xlsx'$/],
      [[root, "--format"], /^error: --format: needs a value$/],
      [[root, "--colour"], /^error: --colour: unknown flag/],
      [[], /^error: DIR: name a run or sweep directory/],
      [[root, root], /^error: .*: one DIR only$/],
    ];
    for (const [argv, message] of cases) {
      const r = await runExport(argv);
      assert.equal(r.code, 2, `${argv.join(" ")}: ${r.err}`);
      assert.equal(r.err.split("\n").length, 1, `one line: ${r.err}`);
      assert.match(r.err, message);
    }
    await Deno.writeTextFile(join(root, "config.json"), "{}");
    const bad = await runExport([root]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /config\.json/);
    assert.throws(() => parseExportArgs(["x", "--format", "CSV"]), ConfigError);
    assert.equal((await runExport(["--help"])).code, 0);

    // The real process: exit code 2 and no stack trace.
    const cmd = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../../lib/cli/export.ts", import.meta.url).pathname,
        join(root, "nope"),
      ],
      stdout: "piped",
      stderr: "piped",
    });
    const p = await cmd.output();
    const err = new TextDecoder().decode(p.stderr).trim();
    assert.equal(p.code, 2, err);
    assert.match(err, /^error: .*nope: no such directory$/);
    assert.ok(!/\bat \S+:\d+/.test(err), "no stack trace");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

async function hasPandas(): Promise<boolean> {
  try {
    const p = await new Deno.Command("python3", {
      args: ["-c", "import pandas, pyarrow"],
      stdout: "null",
      stderr: "null",
    }).output();
    return p.success;
  } catch {
    return false;
  }
}

Deno.test({
  name: "export: pandas.read_parquet reads what was written",
  // counted as ignored where python3 with pandas and pyarrow is missing (.ci/run installs them)
  ignore: !(await hasPandas()),
}, async () => {
  const root = await Deno.makeTempDir({ prefix: "export_pandas_" });
  try {
    const run = await writeRun(join(root, "run"));
    assert.equal((await runExport([run])).code, 0);
    const expected = await loadDecisions(run, { schema: IPD_SCHEMA });
    const script = [
      "import json, sys, pandas as pd",
      "df = pd.read_parquet(sys.argv[1])",
      "print(json.dumps({'columns': list(df.columns), 'rows': len(df),",
      " 'reward': df['reward'].tolist(),",
      // pandas 3 keeps NaN in a string column whatever `where` asks: map missing to None
      " 'thought': [None if pd.isna(x) else x for x in df['thought'].tolist()]}, allow_nan=False))",
    ].join("\n");
    const p = await new Deno.Command("python3", {
      args: ["-c", script, join(run, "export", "decisions.parquet")],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(p.success, new TextDecoder().decode(p.stderr));
    const got = JSON.parse(new TextDecoder().decode(p.stdout));
    assert.deepEqual(got.columns, expected.columns);
    assert.equal(got.rows, expected.height);
    assert.deepEqual(got.reward, expected.getColumn("reward").toArray());
    assert.deepEqual(got.thought, expected.getColumn("thought").toArray());
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
