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
import { toSvg } from "../../charts/render.ts";
import { compare, holmAdjust, meanCI } from "../../analysis/stats.ts";
import { type SeedCount, shareCI } from "../../analysis/share_ci.ts";
import { seedsNeededForProportions } from "../../analysis/power.ts";
import { ciText, intervalChart, type StudyPart } from "../../reports/study_report.ts";
import { seatEffects } from "../../reports/seat_effects.ts";
import type { Study, StudyContext, StudyRun } from "../../run/study.ts";

/** The scripted agent sets of the offline design: name to the policies of the three seats. */
export const RQ2_MIXES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  rational: ["best_response", "best_response", "best_response"],
  mixed: ["best_response", "greedy", "adaptive"],
  noisy: ["random", "best_response", "tit_for_tat"],
});

/** The default kappa grid. */
export const RQ2_KAPPAS: readonly number[] = Object.freeze([0.2, 0.3]);

/** The power assumption of `--estimate`: beyond-rational rates to tell apart. */
export const RQ2_POWER = Object.freeze({ p1: 0.2, p2: 0.5 });

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
  },
  design(context) {
    const ks = kappas(context);
    const rounds = context.horizon ?? (context.small ? 10 : 30);
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
      ],
    };
  },
  async analyze(_context, _design, runs) {
    const rows = seatRuns(runs.valid);
    const ks = unique(rows.map((r) => r.kappa)).sort((a, b) => a - b);
    const models = unique(rows.map((r) => r.model)).sort();
    const parts: StudyPart[] = [];
    // per model x kappa
    const modelRows: unknown[][] = [];
    const regretPoints = [];
    const verdictPoints = [];
    const data: Record<string, unknown> = { models: [] as unknown[], sets: [] as unknown[] };
    for (const model of models) {
      for (const k of ks) {
        const at = rows.filter((r) => r.model === model && r.kappa === k);
        if (!at.length) continue;
        const regret = meanCI(meansBySeed(at, (r) => r.regret));
        const shares = Object.fromEntries(
          AGENT_VERDICTS.map((
            v,
          ) => [v, shareCI({ counts: countsBySeed(at, (r) => r.verdicts[v]) })]),
        );
        modelRows.push([
          model,
          k,
          at.length,
          ciText(regret),
          ...AGENT_VERDICTS.map((v) => ciText(shares[v])),
        ]);
        regretPoints.push({ x: model, series: `kappa=${k}`, ...regret });
        verdictPoints.push({
          x: model,
          series: `kappa=${k}`,
          ...shares.parasitic_beyond_rational,
        });
        (data.models as unknown[]).push({
          model,
          kappa: k,
          seat_runs: at.length,
          regret,
          ...shares,
        });
      }
    }
    parts.push({ heading: "Each model against the rational baseline" });
    parts.push({
      text:
        "Stage-game regret per decision: the payoff the myopic best response would have earned against what the others actually did, minus what was earned (0 for the best responder). Shares are of seat-runs whose late window met the verdict; 95% intervals, seeds as clusters.",
    });
    parts.push({
      chart: {
        file: "rq2_regret.svg",
        svg: await toSvg(intervalChart(regretPoints, {
          title: "Stage-game regret per decision, by model and kappa",
          x: "model",
          y: "mean regret per decision",
        })),
        caption:
          "Mean stage-game regret per decision over seeds (Student's t 95% interval as a rule); every seat played by every model.",
      },
    });
    parts.push({
      chart: {
        file: "rq2_beyond_rational.svg",
        svg: await toSvg(intervalChart(verdictPoints, {
          title: "Parasitic play beyond the rational baseline, by model and kappa",
          x: "model",
          y: "share of seat-runs",
          domain: [0, 1],
        })),
        caption:
          "Share of a model's seat-runs with parasitic play beyond the rational baseline (Wilson at the effective sample size, 95%).",
      },
    });
    parts.push({
      table: {
        header: [
          "model",
          "kappa",
          "seat-runs",
          "regret / decision",
          "parasitic play",
          "parasitic beyond rational",
          "rational play",
        ],
        rows: modelRows,
      },
    });
    // the kappa effect per model, Holm over models
    if (ks.length >= 2) {
      const [a, b] = [ks[0], ks.at(-1)!];
      const tests = models.map((model) => {
        const va = meansBySeed(
          rows.filter((r) => r.model === model && r.kappa === a),
          (r) => r.regret,
        );
        const vb = meansBySeed(
          rows.filter((r) => r.model === model && r.kappa === b),
          (r) => r.regret,
        );
        if (va.length < 2 || vb.length < 2) return { model, c: null };
        return { model, c: compare(vb, va) };
      });
      const ps = tests.map((t) => t.c && Number.isFinite(t.c.p_value) ? t.c.p_value : 1);
      const adj = holmAdjust(ps);
      parts.push({ heading: `Does kappa move regret? kappa=${b} minus kappa=${a}` });
      parts.push({
        table: {
          header: ["model", "difference", "95% Welch interval", "permutation p", "Holm p"],
          rows: tests.map((t, i) =>
            t.c
              ? [
                t.model,
                t.c.diff,
                `[${t.c.lo.toFixed(4)}, ${t.c.hi.toFixed(4)}]`,
                t.c.p_value,
                adj[i],
              ]
              : [t.model, "n/a", "needs 2 seeds per kappa", "", ""]
          ),
        },
      });
      data.kappa_comparison = tests.map((t, i) => ({ ...t, holm_p: adj[i] }));
    }
    // per agent set x kappa: the run verdicts
    parts.push({ heading: "Run verdicts by agent set" });
    const setRows: unknown[][] = [];
    const headline: string[] = [];
    const sets = unique(runs.valid.map((r) => setName(r.params.agents))).sort();
    for (const k of ks) {
      for (const set of sets) {
        const at = runs.valid.filter((r) =>
          Number(r.params.kappa) === k && setName(r.params.agents) === set
        );
        if (!at.length) continue;
        const shares = Object.fromEntries(RUN_VERDICTS.map((v) => [
          v,
          shareCI({
            counts: countsBySeed(at, (r) => (r.summary.verdicts as Record<string, unknown>)?.[v]),
          }),
        ]));
        setRows.push([set, k, at.length, ...RUN_VERDICTS.map((v) => ciText(shares[v]))]);
        (data.sets as unknown[]).push({ set, kappa: k, runs: at.length, ...shares });
      }
      const all = runs.valid.filter((r) => Number(r.params.kappa) === k);
      const pooled = (v: string) =>
        ciText(shareCI({
          counts: countsBySeed(all, (r) => (r.summary.verdicts as Record<string, unknown>)?.[v]),
        }));
      headline.push(
        `kappa=${k} (${all.length} runs): the SPEC verdict parasitic_equilibrium held in ${
          pooled("parasitic_equilibrium")
        } of runs, parasitic play beyond the rational baseline in ${
          pooled("parasitic_beyond_rational")
        }, and rational play in ${pooled("rational_play")} (share [95% interval]).`,
      );
    }
    parts.push({
      table: {
        header: ["agent set", "kappa", "runs", ...RUN_VERDICTS.map((v) => v.replaceAll("_", " "))],
        rows: setRows,
      },
    });
    // model against seat
    const effects = seatEffects(runs.valid.map((r) => ({
      seats: r.summary.seats as { seat: number; agent: string; kind?: string | null }[],
      returns: r.summary.returns as Record<string, number>,
    })));
    if (effects) {
      parts.push({ heading: "Models and seats (mean return per run)" });
      parts.push({
        text: effects.balanced
          ? "Every model played every seat equally often, so model means are not seat means."
          : "Seats were not balanced across models: read model means with care.",
      });
      parts.push({
        table: {
          header: ["model or seat", "runs", "mean return [95% t interval]"],
          rows: [
            ...effects.models.map((m) => [m.model, m.n, ciText(m)]),
            ...effects.seats.map((s) => [`seat ${s.seat}`, s.n, ciText(s)]),
          ],
        },
      });
      data.seat_effects = effects;
    }
    return {
      headline,
      parts,
      data,
      caveats: [
        "Stage-game (myopic) regret is not an equilibrium test: in the repeated game cooperation can be sustained by future punishment and an attack may pay only later. Stability needs deviation runs (lib/engines/blockchain/deviation.ts), which this study does not play.",
        "Deviation runs for LLM seats replay the others' recorded replies (open-loop); they are not part of these figures.",
        "Verdicts use the thresholds of the config (late window, d < 0.08, p > 0.40, c > 0.55) and the beyond-rational excess of baseline_verdicts.ts; each is a named parameter, and moving them moves the shares.",
        "A seat-run's verdicts depend on its opponents: model shares pool the agent sets it met.",
      ],
    };
  },
  power() {
    return {
      estimate: seedsNeededForProportions(RQ2_POWER),
      assumption:
        `a parasitic-beyond-rational rate of ${RQ2_POWER.p1} vs ${RQ2_POWER.p2} between two kappas (one seat-run per seed)`,
    };
  },
};
