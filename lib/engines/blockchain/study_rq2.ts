/**
 * `deno task run study rq2`: do miners converge to parasitic play, beyond what rationality
 * predicts, as kappa varies? A sweep of the blockchain game over kappa x agent sets x seeds,
 * every agent played in every seat (a Latin square over seats and hash powers), each miner
 * measured against the myopic best response in the states it met (stage-game regret and the
 * verdicts of `baseline_verdicts.ts`), then across seeds with intervals.
 *
 * Offline, the agent sets are scripted mixes written into the study directory
 * ({@linkcode RQ2_MIXES}: three best responders, a mixed set, a noisy set); `--agents F`
 * (repeatable) replaces them with agents files of real models (three seats each).
 *
 * Units: a seat-run is one miner in one run. A seed is the unit of replication: within a
 * seed, a model's seat-runs (rotations, agent sets) are pooled, so shares use `shareCI`
 * (Wilson at the effective sample size, seeds as clusters) and means use Student's t over
 * the per-seed means. The kappa comparison per model is Welch's t and a permutation test on
 * the per-seed regret means, Holm-adjusted over the models.
 *
 * @module
 */
import { basename, join } from "node:path";
import { ConfigError } from "../../core/config.ts";
import { compare, holmAdjust, meanCI } from "../../analysis/stats.ts";
import { type SeedCount, shareCI } from "../../analysis/share_ci.ts";
import { seedsNeeded } from "../../analysis/power.ts";
import type { Cell } from "../../core/document.ts";
import {
  ciText,
  intervalChartPart,
  type IntervalPoint,
  permutationFloorText,
  pilotPower,
  type StudyPart,
} from "../../reports/study_report.ts";
import { parseBlockchainConfig } from "./config.ts";
import { streamJsonl } from "../../core/run_log.ts";
import { BlockchainDecisionSchema } from "./decision_row.ts";
import { DEVIATION_KINDS, deviationRun, isProfitable, seatsFromRows } from "./deviation.ts";
import { seatEffects } from "../../reports/seat_effects.ts";
import type { Study, StudyContext, StudyRun } from "../../analysis/study.ts";

/** The scripted agent sets of the offline design: name to the policies of the three seats. */
export const RQ2_MIXES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  rational: ["best_response", "best_response", "best_response"],
  mixed: ["best_response", "greedy", "adaptive"],
  noisy: ["random", "best_response", "tit_for_tat"],
});

/** The default kappa grid. */
export const RQ2_KAPPAS: readonly number[] = Object.freeze([0.2, 0.3]);

/**
 * The assumed effect of `--estimate` before any run (the report's test: Welch and
 * permutation on per-seed regret means, kappa against kappa): a regret difference per
 * decision of `effect` with a per-seed sd of `sd`. Assumed, not measured; once the study has
 * run, `--estimate` takes the observed differences and spreads instead.
 */
export const RQ2_POWER = Object.freeze({ effect: 0.5, sd: 1 });

/** The seat-run verdicts reported per model (from `summary.agent_verdicts`). */
const AGENT_VERDICTS = ["parasitic_play", "parasitic_beyond_rational", "rational_play"] as const;

/** The run verdicts reported per agent set (from `summary.verdicts`). */
const RUN_VERDICTS = [
  "parasitic_equilibrium",
  "parasitic_beyond_rational",
  "honest_convergence",
  "rational_play",
] as const;

function kappas(context: StudyContext): number[] {
  const v = context.values.kappas;
  if (typeof v !== "string") return [...RQ2_KAPPAS];
  const list = v.split(",").map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((k) => !Number.isFinite(k) || k < 0)) {
    throw new ConfigError(`--kappas: expected non-negative numbers, e.g. 0.2,0.3, got '${v}'`);
  }
  return [...new Set(list)];
}

/** The horizon of the design. */
const roundsOf = (context: StudyContext) => context.horizon ?? (context.small ? 10 : 30);

/** The first round of the deviation runs: `--deviation-round K`, default half the horizon. */
function deviationRound(context: StudyContext): number {
  const rounds = roundsOf(context);
  const v = context.values["deviation-round"];
  if (typeof v !== "string") return Math.max(1, Math.floor(rounds / 2));
  const k = Number(v);
  if (!Number.isInteger(k) || k < 1 || k > rounds) {
    throw new ConfigError(`--deviation-round: expected a round in 1..${rounds}, got '${v}'`);
  }
  return k;
}

const setName = (path: unknown) => basename(String(path)).replace(/\.json$/, "");

interface SeatRun {
  kappa: number;
  set: string;
  seed: number;
  model: string;
  regret: number | null;
  verdicts: Record<string, unknown>;
}

function seatRuns(runs: readonly StudyRun[]): SeatRun[] {
  const out: SeatRun[] = [];
  for (const r of runs) {
    const s = r.summary;
    const seats = (s.seats ?? []) as { agent: string; kind?: string | null }[];
    const regret = (s.regret ?? {}) as Record<string, { mean?: number }>;
    const av = (s.agent_verdicts ?? {}) as Record<string, Record<string, unknown>>;
    for (const seat of seats) {
      const m = regret[seat.agent]?.mean;
      out.push({
        kappa: Number(r.params.kappa),
        set: setName(r.params.agents),
        seed: r.seed,
        model: seat.kind ?? seat.agent,
        regret: typeof m === "number" ? m : null,
        verdicts: av[seat.agent] ?? {},
      });
    }
  }
  return out;
}

/** Per-seed counts of a boolean, `undefined` ones left out (inconclusive). */
function countsBySeed<T extends { seed: number }>(
  rows: readonly T[],
  value: (r: T) => unknown,
): SeedCount[] {
  const by = new Map<number, SeedCount>();
  for (const r of rows) {
    const v = value(r);
    if (typeof v !== "boolean") continue;
    const c = by.get(r.seed) ?? { successes: 0, trials: 0 };
    c.trials++;
    if (v) c.successes++;
    by.set(r.seed, c);
  }
  return [...by.values()];
}

/** The per-seed means of a number. */
function meansBySeed<T extends { seed: number }>(
  rows: readonly T[],
  value: (r: T) => number | null,
): number[] {
  const by = new Map<number, number[]>();
  for (const r of rows) {
    const v = value(r);
    if (v === null || !Number.isFinite(v)) continue;
    by.set(r.seed, [...(by.get(r.seed) ?? []), v]);
  }
  return [...by.values()].map((xs) => xs.reduce((a, b) => a + b, 0) / xs.length);
}

const unique = <T>(xs: readonly T[]) => [...new Set(xs)];

const REGRET_TEXT =
  "Stage-game regret per decision: the payoff the myopic best response would have earned against what the others actually did, minus what was earned (0 for the best responder). Shares are of seat-runs whose late window met the verdict; 95% intervals, seeds as clusters.";

const RQ2_CAVEATS = [
  "Stage-game (myopic) regret is not an equilibrium test: in the repeated game cooperation can be sustained by future punishment and an attack may pay only later. Stability is tested separately by deviation runs (one seat deviates from one round on); a deviation that does not pay is evidence of stability against that deviation, not a proof of equilibrium.",
  "Deviation runs replay recorded LLM replies as they were (open-loop): an LLM seat does not react to another seat's deviation, so its stability row says how a deviation pays against fixed play, not against the model's response; scripted seats re-play their policy and do react (closed-loop).",
  "Verdicts use the thresholds of the config (late window, d < 0.08, p > 0.40, c > 0.55) and the beyond-rational excess of baseline_verdicts.ts; each is a named parameter, and moving them moves the shares.",
  "A seat-run's verdicts depend on its opponents: model shares pool the agent sets it met.",
];

/** A table row of the study (cells are text and counts). */
type Row = Cell[];

/**
 * Each model at each kappa against the rational baseline: regret per decision and verdict
 * shares, as two interval charts and a table; the figures go into `data.models`.
 */
async function modelParts(
  rows: readonly SeatRun[],
  ks: readonly number[],
  models: readonly string[],
  data: Record<string, unknown>,
): Promise<StudyPart[]> {
  const modelRows: Row[] = [];
  const regretPoints = [];
  const verdictPoints = [];
  for (const model of models) {
    for (const k of ks) {
      const at = rows.filter((r) => r.model === model && r.kappa === k);
      if (!at.length) continue;
      const regret = meanCI(meansBySeed(at, (r) => r.regret));
      const shares = Object.fromEntries(
        AGENT_VERDICTS.map((v) => [v, shareCI({ counts: countsBySeed(at, (r) => r.verdicts[v]) })]),
      );
      modelRows.push([
        model,
        String(k),
        at.length,
        ciText(regret),
        ...AGENT_VERDICTS.map((v) => ciText(shares[v])),
      ]);
      regretPoints.push({ x: model, series: `kappa=${k}`, ...regret });
      verdictPoints.push({ x: model, series: `kappa=${k}`, ...shares.parasitic_beyond_rational });
      (data.models as unknown[]).push({ model, kappa: k, seat_runs: at.length, regret, ...shares });
    }
  }
  return [
    { heading: "Each model against the rational baseline" },
    { text: REGRET_TEXT },
    ...await modelCharts(regretPoints, verdictPoints),
    { table: { header: MODEL_HEADER, rows: modelRows } },
  ];
}

const MODEL_HEADER = [
  "model",
  "kappa",
  "seat-runs",
  "regret / decision",
  "parasitic play",
  "parasitic beyond rational",
  "rational play",
];

/** The interval charts of regret and of parasitic play beyond the rational baseline. */
async function modelCharts(
  regretPoints: IntervalPoint[],
  verdictPoints: IntervalPoint[],
): Promise<StudyPart[]> {
  return [
    await intervalChartPart(
      "rq2_regret.svg",
      regretPoints,
      {
        title: "Stage-game regret per decision, by model and kappa",
        x: "model",
        y: "mean regret per decision",
      },
      "Mean stage-game regret per decision over seeds (Student's t 95% interval as a rule); every seat played by every model.",
    ),
    await intervalChartPart(
      "rq2_beyond_rational.svg",
      verdictPoints,
      {
        title: "Parasitic play beyond the rational baseline, by model and kappa",
        x: "model",
        y: "share of seat-runs",
        domain: [0, 1],
      },
      "Share of a model's seat-runs with parasitic play beyond the rational baseline (Wilson at the effective sample size, 95%).",
    ),
  ];
}

/**
 * Does kappa move regret? Per model, the last kappa against the first (Welch and permutation
 * on per-seed regret means), Holm over the models; `data.kappa_comparison`. None with one kappa.
 */
function kappaParts(
  rows: readonly SeatRun[],
  ks: readonly number[],
  models: readonly string[],
  data: Record<string, unknown>,
): StudyPart[] {
  if (ks.length < 2) return [];
  const [a, b] = [ks[0], ks.at(-1)!];
  const regretAt = (model: string, k: number) =>
    meansBySeed(rows.filter((r) => r.model === model && r.kappa === k), (r) => r.regret);
  const tests = models.map((model) => {
    const va = regretAt(model, a);
    const vb = regretAt(model, b);
    if (va.length < 2 || vb.length < 2) return { model, c: null };
    return { model, c: compare(vb, va) };
  });
  const ps = tests.map((t) => t.c && Number.isFinite(t.c.p_value) ? t.c.p_value : 1);
  const adj = holmAdjust(ps);
  const parts: StudyPart[] = [
    { heading: `Does kappa move regret? kappa=${b} minus kappa=${a}` },
    {
      table: {
        header: ["model", "difference", "95% Welch interval", "permutation p", "Holm p"],
        rows: tests.map((t, i): Row =>
          t.c
            ? [
              t.model,
              t.c.diff,
              `[${Number(t.c.lo.toFixed(4))}, ${Number(t.c.hi.toFixed(4))}]`,
              t.c.p_value,
              adj[i],
            ]
            : [t.model, "n/a", "needs 2 seeds per kappa", "", ""]
        ),
      },
    },
  ];
  const sizes = tests.filter((t) => t.c).map((t) => [t.c!.n_a, t.c!.n_b]);
  if (sizes.length) {
    const [na, nb] = sizes.reduce((a, b) => (a[0] + a[1] <= b[0] + b[1] ? a : b));
    parts.push({ text: permutationFloorText(nb, na) });
  }
  data.kappa_comparison = tests.map((t, i) => ({ ...t, holm_p: adj[i] }));
  return parts;
}

/** The share of runs meeting a run verdict (`summary.verdicts`), seeds as clusters. */
const runShare = (runs: readonly StudyRun[], v: string) =>
  shareCI({
    counts: countsBySeed(runs, (r) => (r.summary.verdicts as Record<string, unknown>)?.[v]),
  });

/**
 * The run verdicts per agent set and kappa (a table, `data.sets`), with one headline per
 * cell and one per kappa for the design-weighted average over the sets.
 */
function setVerdictParts(
  valid: readonly StudyRun[],
  ks: readonly number[],
  data: Record<string, unknown>,
): { parts: StudyPart[]; headline: string[] } {
  const setRows: Row[] = [];
  const headline: string[] = [];
  const pooledLines: string[] = [];
  const sets = unique(valid.map((r) => setName(r.params.agents))).sort();
  for (const k of ks) {
    for (const set of sets) {
      const at = valid.filter((r) =>
        Number(r.params.kappa) === k && setName(r.params.agents) === set
      );
      if (!at.length) continue;
      const shares = Object.fromEntries(RUN_VERDICTS.map((v) => [v, runShare(at, v)]));
      setRows.push([set, String(k), at.length, ...RUN_VERDICTS.map((v) => ciText(shares[v]))]);
      headline.push(
        `${set}, kappa=${k} (${at.length} runs): parasitic_equilibrium ${
          ciText(shares.parasitic_equilibrium)
        }, parasitic play beyond the rational baseline ${
          ciText(shares.parasitic_beyond_rational)
        }, rational play ${ciText(shares.rational_play)} (share of runs [95% interval]).`,
      );
      (data.sets as unknown[]).push({ set, kappa: k, runs: at.length, ...shares });
    }
    pooledLines.push(pooledLine(valid, k, sets.length));
  }
  const header = ["agent set", "kappa", "runs", ...RUN_VERDICTS.map((v) => v.replaceAll("_", " "))];
  return {
    parts: [{ heading: "Run verdicts by agent set" }, { table: { header, rows: setRows } }],
    headline: [...headline, ...pooledLines],
  };
}

/** The headline of one kappa's verdict shares over all agent sets. */
function pooledLine(valid: readonly StudyRun[], k: number, sets: number): string {
  const all = valid.filter((r) => Number(r.params.kappa) === k);
  const pooled = (v: string) => ciText(runShare(all, v));
  return `kappa=${k}, design-weighted average over the ${sets} agent sets (${all.length} runs; each set weighs by its runs, a design choice, not a population): parasitic_equilibrium ${
    pooled("parasitic_equilibrium")
  }, parasitic beyond rational ${pooled("parasitic_beyond_rational")}, rational play ${
    pooled("rational_play")
  }.`;
}

/** Model against seat: each model's mean return over the seats, each seat's over the models. */
function seatEffectParts(valid: readonly StudyRun[], data: Record<string, unknown>): StudyPart[] {
  const effects = seatEffects(valid.map((r) => ({
    seats: r.summary.seats as { seat: number; agent: string; kind?: string | null }[],
    returns: r.summary.returns as Record<string, number>,
  })));
  if (!effects) return [];
  data.seat_effects = effects;
  return [
    { heading: "Models and seats (mean return per run)" },
    {
      text: effects.balanced
        ? "Every model played every seat equally often, so model means are not seat means."
        : "Seats were not balanced across models: read model means with care.",
    },
    {
      table: {
        header: ["model or seat", "runs", "mean return [95% t interval]"],
        rows: [
          ...effects.models.map((m): Row => [m.model, m.n, ciText(m)]),
          ...effects.seats.map((s): Row => [`seat ${s.seat}`, s.n, ciText(s)]),
        ],
      },
    },
  ];
}

/** The registered RQ2 study. */
export const rq2Study: Study = {
  name: "rq2",
  description: "RQ2: parasitic play beyond the rational baseline as kappa varies",
  question:
    "RQ2: do miners converge to parasitic play (free-riding on others' construction while not attacking) beyond what a myopic rational player would do in the same states, and does it change as kappa (the efficiency rivals lose per unit of destruction) varies?",
  seeds: { default: [0, 4], small: [0, 2] },
  flags: {
    kappas: { type: "string", description: "comma-separated kappa values (default 0.2,0.3)" },
    "fixed-seats": { type: "boolean", description: "do not rotate agents over the seats" },
    "deviation-round": {
      type: "string",
      description: "first round of the stability deviation runs (default: half the horizon)",
    },
  },
  design(context) {
    const ks = kappas(context);
    const rounds = roundsOf(context);
    const from = deviationRound(context);
    const files: Record<string, unknown> = {};
    let sets: string[];
    if (context.agents.length) {
      sets = context.agents;
    } else {
      sets = Object.entries(RQ2_MIXES).map(([name, policies]) => {
        const path = join(context.dir, "agents", `${name}.json`);
        files[path] = {
          agents: policies.map((policy, i) => ({
            name: `${policy}_${i + 1}`,
            provider: "policy",
            policy,
          })),
        };
        return path;
      });
    }
    const rotate = context.values["fixed-seats"] !== true;
    return {
      grid: { experiment: "blockchain", base: { rounds }, grid: { kappa: ks, agents: sets } },
      rotateSeats: rotate,
      files,
      rows: [
        ["experiment", "blockchain (SPEC payoffs; alpha 0.25, 0.20, 0.15; honest group 0.40)"],
        ["rounds", String(rounds)],
        ["kappa", ks.join(", ")],
        [
          "agent sets",
          context.agents.length
            ? context.agents.map(setName).join(", ")
            : Object.entries(RQ2_MIXES).map(([n, p]) => `${n} (${p.join(", ")})`).join("; "),
        ],
        [
          "seats",
          rotate
            ? "rotated: each agent plays each seat (and hash power) once per seed (Latin square)"
            : "fixed (--fixed-seats): model effects are confounded with seats",
        ],
        [
          "baseline",
          "myopic best response to the others' actual actions in each round (stage-game regret; verdicts beyond the rational baseline)",
        ],
        [
          "unit",
          "seat-run (one miner in one run); the seed is the unit of replication (clusters)",
        ],
        [
          "stability",
          `deviation runs from round ${from} (--deviation-round): each seat of each unrotated run in turn plays ${
            DEVIATION_KINDS.join(", ")
          } while the others keep their play; gain over rounds ${from}..${rounds}, Student's t over seeds`,
        ],
      ],
    };
  },
  async analyze(context, _design, runs) {
    const rows = seatRuns(runs.valid);
    const ks = unique(rows.map((r) => r.kappa)).sort((a, b) => a - b);
    const models = unique(rows.map((r) => r.model)).sort();
    const data: Record<string, unknown> = { models: [] as unknown[], sets: [] as unknown[] };
    const parts: StudyPart[] = await modelParts(rows, ks, models, data);
    parts.push(...kappaParts(rows, ks, models, data));
    const sets = setVerdictParts(runs.valid, ks, data);
    parts.push(...sets.parts, ...seatEffectParts(runs.valid, data));
    const stability = await stabilityPart(context, runs.valid);
    parts.push(...stability.parts);
    data.stability = stability.rows;
    return {
      headline: [...sets.headline, ...stability.headline],
      parts,
      data,
      caveats: RQ2_CAVEATS,
    };
  },
  power(_context, pilot) {
    const tests = (pilot?.kappa_comparison ?? []) as {
      model: string;
      c: { diff: number; se: number; n_a: number; n_b: number } | null;
    }[];
    const p = pilotPower(
      tests.filter((t) => t.c).map((t) => ({ label: t.model, ...t.c! })),
    );
    if (p) {
      return {
        estimate: p.estimate,
        assumption:
          `the kappa difference in per-seed regret means of ${p.label} (the report's Welch and permutation test; the model needing most seeds among those with a non-zero difference): observed difference ${p.effect} with per-seed sd ${p.sd}`,
        source: "pilot",
      };
    }
    return {
      estimate: seedsNeeded(RQ2_POWER),
      assumption:
        `a kappa difference in per-seed regret means of ${RQ2_POWER.effect} per decision with a per-seed sd of ${RQ2_POWER.sd} (assumed: RQ2_POWER), the report's Welch and permutation test per model`,
      source: "assumed",
    };
  },
};

/** One row of the stability table: a seat's deviation in one agent set and kappa. */
interface StabilityRow {
  set: string;
  kappa: number;
  agent: string;
  kind: string;
  deviation: string;
  from: number;
  seeds: number[];
  gains: number[];
  mean_gain: number;
  lo: number;
  hi: number;
  profitable: boolean;
  open_loop: boolean;
}

/**
 * Deviation runs on the unrotated runs of the study: for each run, each seat in turn plays
 * each deviation from round k while the others keep their play (scripted seats re-play
 * their policy, recorded LLM seats replay their replies); one paired gain per seed, then
 * Student's t over seeds per agent set, kappa, seat and deviation.
 */
async function stabilityPart(
  context: StudyContext,
  runs: readonly StudyRun[],
): Promise<{ parts: StudyPart[]; rows: StabilityRow[]; headline: string[] }> {
  const from = deviationRound(context);
  const rounds = roundsOf(context);
  const groups = new Map<string, StabilityRow>();
  for (const run of runs) {
    const rotation = run.params.seat_rotation;
    if (rotation !== undefined && rotation !== 0) continue;
    await deviateRun(run, from, rounds, groups);
  }
  const rows = [...groups.values()].sort((a, b) =>
    a.set.localeCompare(b.set) || a.kappa - b.kappa || a.agent.localeCompare(b.agent)
  );
  for (const g of rows) {
    const ci = meanCI(g.gains);
    [g.mean_gain, g.lo, g.hi] = [ci.mean, ci.lo, ci.hi];
    g.profitable = isProfitable(ci.lo);
  }
  const parts: StudyPart[] = [{ heading: `Stability: deviation runs from round ${from}` }];
  if (!rows.length) {
    parts.push({ text: "No unrotated run to deviate from: no stability figures." });
    return { parts, rows, headline: [] };
  }
  parts.push(...stabilityBlocks(rows, from, rounds));
  return { parts, rows, headline: stabilityHeadline(rows, from) };
}

/** Each seat of one run plays each deviation; its gain joins its group in `groups`. */
async function deviateRun(
  run: StudyRun,
  from: number,
  rounds: number,
  groups: Map<string, StabilityRow>,
): Promise<void> {
  const seats = [
    ...((run.summary.seats ?? []) as { seat: number; agent: string; kind?: string | null }[]),
  ]
    .sort((a, b) => a.seat - b.seat);
  const miners = seats.map((s) => s.agent);
  // The deviations replay every recorded action: the rows are kept, read as one stream.
  const rows = [];
  for await (const r of streamJsonl(join(run.dir, "decisions.jsonl"), BlockchainDecisionSchema)) {
    rows.push({ round: r.round, agent: r.agent, action: r.action, kind: r.kind });
  }
  const play = seatsFromRows(rows, miners);
  const kappa = Number(run.params.kappa);
  const config = parseBlockchainConfig({ rounds, kappa, miners });
  const set = setName(run.params.agents);
  for (let i = 0; i < miners.length; i++) {
    for (const deviation of DEVIATION_KINDS) {
      const r = await deviationRun({
        config,
        seats: play,
        seat: i,
        from,
        deviation,
        seeds: [run.seed],
      });
      const key = JSON.stringify([set, kappa, miners[i], deviation]);
      const g = groups.get(key) ?? {
        set,
        kappa,
        agent: miners[i],
        kind: seats[i].kind ?? miners[i],
        deviation,
        from,
        seeds: [],
        gains: [],
        mean_gain: NaN,
        lo: NaN,
        hi: NaN,
        profitable: false,
        open_loop: false,
      };
      g.seeds.push(run.seed);
      g.gains.push(r.gain[0]);
      g.open_loop ||= r.open_loop;
      groups.set(key, g);
    }
  }
}

/** What the deviation runs are, and the table of gains. */
function stabilityBlocks(rows: readonly StabilityRow[], from: number, rounds: number): StudyPart[] {
  const openLoop = rows.some((r) => r.open_loop);
  const text =
    `From round ${from} of ${rounds}, one seat at a time plays a deviation (the myopic best response, always attack, always free-ride) while the other seats keep their play; the gain is the deviating seat's payoff over rounds ${from}..${rounds} minus what it earned there without deviating, one paired difference per seed (the unrotated runs), mean with Student's t 95% over seeds. A deviation is profitable when the interval's lower bound is above zero (lib/engines/blockchain/deviation.ts). ${
      openLoop
        ? "Open-loop rows: recorded LLM seats replay their replies and do not react to the deviation."
        : "Every seat here is a scripted policy that re-plays and may react (closed-loop)."
    }`;
  const header = [
    "agent set",
    "kappa",
    "seat",
    "deviation",
    "seeds",
    "gain [95% t interval]",
    "profitable",
    "others",
  ];
  const tableRows = rows.map((r): Row => [
    r.set,
    String(r.kappa),
    r.kind === r.agent ? r.agent : `${r.agent} (${r.kind})`,
    r.deviation,
    r.seeds.length,
    ciText({ mean: r.mean_gain, lo: r.lo, hi: r.hi }),
    r.profitable ? "yes" : "no",
    r.open_loop ? "open-loop (recorded replies)" : "closed-loop",
  ]);
  return [{ text }, { table: { header, rows: tableRows } }];
}

/** One headline per agent set and kappa: which deviations pay, if any. */
function stabilityHeadline(rows: readonly StabilityRow[], from: number): string[] {
  const headline: string[] = [];
  const sets = [...new Set(rows.map((r) => `${r.set}, kappa=${r.kappa}`))];
  for (const cond of sets) {
    const at = rows.filter((r) => `${r.set}, kappa=${r.kappa}` === cond);
    const prof = at.filter((r) => r.profitable);
    headline.push(
      `Stability (${cond}, deviations from round ${from}): ${
        prof.length
          ? `${prof.length} of ${at.length} seat deviations profitable (${
            prof.map((r) => `${r.agent} ${r.deviation}`).join("; ")
          }): the play is not stable against them`
          : `no profitable deviation among ${at.length} (seat x deviation)`
      }.`,
    );
  }
  return headline;
}
