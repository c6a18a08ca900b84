/**
 * `deno task run study shelter`: which governance emerges in the shelter, and does
 * cooperation beat elimination? A sweep of the society game over variants (scripted policy
 * mixes offline, agents files with `--agents`) x seeds, optionally crossed with a prompt
 * switch of the config (`--switch prompt.hint_elimination_cost`: off and on), then across
 * seeds with intervals: survival, equality, and a governance typology from the proposals
 * and votes of `events.jsonl`.
 *
 * Definitions (per run, simple on purpose):
 * - survival: survivors / citizens (a share; `shareCI` over seeds, citizens as trials);
 *   everyone survived: a yes/no per run (`proportionCI` over seeds);
 * - equality: `1 - allocation_gini` (Student's t over seeds);
 * - governance type: `exclusion` when an elimination vote passed, else `negotiated` when an
 *   allocation proposal passed, else `default_only` (every day's grants by the default rule);
 * - who proposes: the share of proposals made by each kind of citizen (its policy or model);
 * - who is eliminated: eliminations by vote per citizen of each kind;
 * - coalitions: for each pair of citizens voting on the same proposals, the share of those
 *   votes they cast the same way; a pair agreeing on at least {@linkcode COALITION_AGREEMENT}
 *   of at least {@linkcode COALITION_MIN_VOTES} common votes is a coalition. Cohesion is the
 *   mean agreement over pairs.
 *
 * @module
 */
import { basename, join } from "node:path";
import { ConfigError } from "../../core/config.ts";
import type { Cell } from "../../core/document.ts";
import {
  compare,
  type Comparison,
  holmAdjust,
  meanCI,
  proportionCI,
} from "../../analysis/stats.ts";
import { type SeedCount, shareCI } from "../../analysis/share_ci.ts";
import { seedsNeeded } from "../../analysis/power.ts";
import {
  ciText,
  intervalChartPart,
  type IntervalPoint,
  permutationFloorText,
  pilotPower,
  type StudyPart,
} from "../../reports/study_report.ts";
import type { Study, StudyContext, StudyRun } from "../../analysis/study.ts";
import { DEFAULT_POLICY_MIX } from "./policies.ts";

/** The scripted variants of the offline design: name to the policy mix of the six citizens. */
export const SHELTER_VARIANTS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  default_mix: DEFAULT_POLICY_MIX,
  cooperative: ["cooperative"],
  selfish: ["selfish"],
  vindictive: ["vindictive", "cooperative"],
});

/** A pair agreeing on at least this share of its common votes is a coalition. */
export const COALITION_AGREEMENT = 0.8;

/** A pair needs at least this many common votes to be counted. */
export const COALITION_MIN_VOTES = 2;

/**
 * The assumed effect of `--estimate` before any run (the report's test: Welch and
 * permutation on per-seed survival shares, variant against variant): a survival difference
 * of `effect` with a per-seed sd of `sd`. Assumed, not measured; once the study has run,
 * `--estimate` takes the observed contrasts instead.
 */
export const SHELTER_POWER = Object.freeze({ effect: 0.2, sd: 0.25 });

/** A contrast between two variants on one outcome, Holm-adjusted over the family. */
interface Contrast {
  a: string;
  b: string;
  outcome: "survival" | "equality";
  c: Comparison | null;
  holm_p: number;
}

/** Per seed, the mean of a run figure (one run per seed and variant in the design). */
function perSeed(at: readonly RunFigures[], value: (f: RunFigures) => number | null): number[] {
  const by = new Map<number, number[]>();
  for (const f of at) {
    const v = value(f);
    if (v === null || !Number.isFinite(v)) continue;
    by.set(f.seed, [...(by.get(f.seed) ?? []), v]);
  }
  return [...by.values()].map((xs) => xs.reduce((x, y) => x + y, 0) / xs.length);
}

/** Pairwise contrasts between the variants on survival and equality, Holm over all of them. */
function contrastsOf(figs: readonly RunFigures[], cells: readonly string[]): Contrast[] {
  const outcomes = {
    survival: (f: RunFigures) => (f.citizens ? f.survivors / f.citizens : null),
    equality: (f: RunFigures) => f.equality,
  };
  const out: Omit<Contrast, "holm_p">[] = [];
  for (let i = 0; i < cells.length; i++) {
    for (let j = i + 1; j < cells.length; j++) {
      for (const outcome of ["survival", "equality"] as const) {
        const va = perSeed(figs.filter((f) => f.cell === cells[i]), outcomes[outcome]);
        const vb = perSeed(figs.filter((f) => f.cell === cells[j]), outcomes[outcome]);
        out.push({
          a: cells[i],
          b: cells[j],
          outcome,
          c: va.length >= 2 && vb.length >= 2 ? compare(va, vb) : null,
        });
      }
    }
  }
  const adj = holmAdjust(out.map((t) => (t.c && Number.isFinite(t.c.p_value) ? t.c.p_value : 1)));
  return out.map((t, i) => ({ ...t, holm_p: adj[i] }));
}

/** The governance types, in order. */
export const GOVERNANCE_TYPES = ["exclusion", "negotiated", "default_only"] as const;

interface ProposalEvent {
  type: string;
  proposer?: string;
  proposal_type?: string;
  passed?: boolean;
  supporters?: string[];
  opposers?: string[];
}

/** What one run says of its governance. */
export interface Governance {
  type: typeof GOVERNANCE_TYPES[number];
  /** Proposals made by kind of citizen. */
  proposals_by_kind: Record<string, number>;
  /** Proposals made, by proposal type. */
  proposals_by_type: Record<string, number>;
  /** Mean agreement over voting pairs (`null` without pairs). */
  cohesion: number | null;
  /** Coalition pairs (see the module doc), as `a+b`. */
  coalitions: string[];
  /** Agreement of pairs by the kinds of the two citizens (sorted `kindA+kindB`). */
  kind_pairs: Record<string, { agree: number; votes: number }>;
}

/**
 * The governance of one run from its events and its citizens' kinds.
 *
 * @param events The run's events (`proposal_created`, `proposal_result`, ...).
 * @param kinds Citizen name to kind (policy or model).
 */
export function governanceOf(
  events: readonly ProposalEvent[],
  kinds: Record<string, string>,
): Governance {
  const byKind: Record<string, number> = {};
  const byType: Record<string, number> = {};
  let exclusion = false, negotiated = false;
  const pairs = new Map<string, { agree: number; votes: number }>();
  for (const e of events) {
    if (e.type === "proposal_created" && e.proposer) {
      const k = kinds[e.proposer] ?? e.proposer;
      byKind[k] = (byKind[k] ?? 0) + 1;
      byType[e.proposal_type ?? "?"] = (byType[e.proposal_type ?? "?"] ?? 0) + 1;
    }
    if (e.type !== "proposal_result") continue;
    if (e.passed && e.proposal_type === "elimination_vote") exclusion = true;
    if (e.passed && e.proposal_type === "resource_allocation") negotiated = true;
    const vote = new Map<string, boolean>();
    for (const s of e.supporters ?? []) vote.set(s, true);
    for (const o of e.opposers ?? []) vote.set(o, false);
    const voters = [...vote.keys()].sort();
    for (let i = 0; i < voters.length; i++) {
      for (let j = i + 1; j < voters.length; j++) {
        const key = `${voters[i]}+${voters[j]}`;
        const p = pairs.get(key) ?? { agree: 0, votes: 0 };
        p.votes++;
        if (vote.get(voters[i]) === vote.get(voters[j])) p.agree++;
        pairs.set(key, p);
      }
    }
  }
  const counted = [...pairs].filter(([, p]) => p.votes >= COALITION_MIN_VOTES);
  const kindPairs: Record<string, { agree: number; votes: number }> = {};
  for (const [key, p] of counted) {
    const [a, b] = key.split("+");
    const kk = [kinds[a] ?? a, kinds[b] ?? b].sort().join("+");
    const t = kindPairs[kk] ??= { agree: 0, votes: 0 };
    t.agree += p.agree;
    t.votes += p.votes;
  }
  return {
    type: exclusion ? "exclusion" : negotiated ? "negotiated" : "default_only",
    proposals_by_kind: byKind,
    proposals_by_type: byType,
    cohesion: counted.length
      ? counted.reduce((s, [, p]) => s + p.agree / p.votes, 0) / counted.length
      : null,
    coalitions: counted.filter(([, p]) => p.agree / p.votes >= COALITION_AGREEMENT).map(([k]) => k),
    kind_pairs: kindPairs,
  };
}

async function readEvents(dir: string): Promise<ProposalEvent[]> {
  const text = await Deno.readTextFile(join(dir, "events.jsonl")).catch(() => "");
  return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
}

function variantOf(params: Record<string, unknown>): string {
  if (typeof params.agents === "string") return basename(params.agents).replace(/\.json$/, "");
  const json = JSON.stringify(params.policies);
  const found = Object.entries(SHELTER_VARIANTS).find(([, mix]) => JSON.stringify(mix) === json);
  return found ? found[0] : json ?? "default_mix";
}

function switchOf(context: StudyContext): string | null {
  const v = context.values.switch;
  if (v === undefined) return null;
  if (typeof v !== "string" || !/^[a-z_]+(\.[a-z_]+)*$/.test(v)) {
    throw new ConfigError(
      `--switch: expected a dotted config key, e.g. prompt.hint_elimination_cost`,
    );
  }
  return v;
}

function countsBySeed(rows: readonly { seed: number; s: number; t: number }[]): SeedCount[] {
  const by = new Map<number, SeedCount>();
  for (const r of rows) {
    const c = by.get(r.seed) ?? { successes: 0, trials: 0 };
    c.successes += r.s;
    c.trials += r.t;
    by.set(r.seed, c);
  }
  return [...by.values()];
}

/** One run's figures. */
interface RunFigures {
  cell: string;
  seed: number;
  citizens: number;
  survivors: number;
  survived_all: boolean;
  equality: number | null;
  eliminations_by_vote: number;
  proposal_days: number;
  days: number;
  governance: Governance;
  kinds: Record<string, string>;
  eliminated: Record<string, number>;
}

async function figuresOf(run: StudyRun, cell: string): Promise<RunFigures> {
  const s = run.summary;
  const per = (s.per_citizen ?? {}) as Record<
    string,
    { kind?: string; eliminated_by_vote?: number }
  >;
  const kinds = Object.fromEntries(Object.entries(per).map(([n, c]) => [n, c.kind ?? n]));
  const gini = s.allocation_gini;
  return {
    cell,
    seed: run.seed,
    citizens: Object.keys(per).length,
    survivors: ((s.survivors ?? []) as string[]).length,
    survived_all: s.survived_all === true,
    equality: typeof gini === "number" ? 1 - gini : null,
    eliminations_by_vote: ((s.eliminations ?? {}) as { by_vote?: number }).by_vote ?? 0,
    proposal_days: Number(s.proposal_allocation_days ?? 0),
    days: Number(s.days_played ?? 0),
    governance: governanceOf(await readEvents(run.dir), kinds),
    kinds,
    eliminated: Object.fromEntries(
      Object.entries(per).map(([n, c]) => [n, c.eliminated_by_vote ?? 0]),
    ),
  };
}

function cellOf(params: Record<string, unknown>, sw: string | null): string {
  return `${variantOf(params)}${sw ? ` ${sw.split(".").pop()}=${params[sw]}` : ""}`;
}

/** One variant's figures across its runs: intervals, table rows, chart points, data. */
interface CellSummary {
  row: Cell[];
  typeRow: Cell[];
  survivalPoints: IntervalPoint[];
  equalityPoints: IntervalPoint[];
  typePoints: IntervalPoint[];
  data: Record<string, unknown>;
  headline: string;
}

function cellIntervals(at: readonly RunFigures[]) {
  return {
    survival: shareCI({
      counts: countsBySeed(at.map((f) => ({ seed: f.seed, s: f.survivors, t: f.citizens }))),
    }),
    all: proportionCI(at.filter((f) => f.survived_all).length, at.length),
    equality: meanCI(at.map((f) => f.equality).filter((x): x is number => x !== null)),
    elim: meanCI(at.map((f) => f.eliminations_by_vote)),
    proposalDays: shareCI({
      counts: countsBySeed(at.map((f) => ({ seed: f.seed, s: f.proposal_days, t: f.days }))),
    }),
    cohesion: meanCI(
      at.map((f) => f.governance.cohesion).filter((x): x is number => x !== null),
    ),
    types: Object.fromEntries(GOVERNANCE_TYPES.map((t) => [
      t,
      proportionCI(at.filter((f) => f.governance.type === t).length, at.length),
    ])),
  };
}

function cellSummary(cell: string, at: readonly RunFigures[]): CellSummary {
  const { survival, all, equality, elim, proposalDays, cohesion, types } = cellIntervals(at);
  const top = GOVERNANCE_TYPES.reduce((a, b) => (types[b].rate > types[a].rate ? b : a));
  return {
    row: [cell, at.length, ...[survival, all, equality, elim, proposalDays, cohesion].map(ciText)],
    typeRow: [cell, ...GOVERNANCE_TYPES.map((t) => ciText(types[t]))],
    survivalPoints: [
      { x: cell, series: "survival (share of citizens)", ...survival },
      { x: cell, series: "everyone survived (share of runs)", ...all, mean: all.rate },
    ],
    equalityPoints: [{ x: cell, series: "equality (1 - Gini)", ...equality }],
    typePoints: GOVERNANCE_TYPES.map((t) => ({
      x: cell,
      series: t,
      ...types[t],
      mean: types[t].rate,
    })),
    data: {
      cell,
      runs: at.length,
      survival,
      survived_all: all,
      equality,
      eliminations_by_vote: elim,
      proposal_allocation_days: proposalDays,
      cohesion,
      governance: types,
    },
    headline: `${cell} (${at.length} runs): survival ${ciText(survival)}, equality ${
      ciText(equality)
    }; most frequent governance ${top} (${ciText(types[top])} of runs).`,
  };
}

async function survivalParts(cells: readonly CellSummary[]): Promise<StudyPart[]> {
  return [
    { heading: "Survival and equality" },
    await intervalChartPart(
      "shelter_survival.svg",
      cells.flatMap((c) => c.survivalPoints),
      { title: "Survival by variant", x: "variant", y: "share", domain: [0, 1] },
      "Survivors per citizen (Wilson at the effective size, seeds as clusters) and the share of runs everyone survived (Wilson), 95%.",
    ),
    await intervalChartPart(
      "shelter_equality.svg",
      cells.flatMap((c) => c.equalityPoints),
      {
        title: "Equality of the allocations by variant",
        x: "variant",
        y: "1 - Gini of the grants",
      },
      "Equality, 1 - Gini of the resources granted, mean over seeds (Student's t 95%).",
    ),
    {
      table: {
        header: [
          "variant",
          "runs",
          "survival",
          "everyone survived",
          "equality (1 - Gini)",
          "eliminations by vote",
          "days allocated by proposal",
          "vote cohesion",
        ],
        rows: cells.map((c) => c.row),
      },
    },
  ];
}

const fmt4 = (x: number) => String(Number(x.toFixed(4)));

function contrastSentence(contrasts: readonly Contrast[]): string {
  const sig = contrasts.filter((t) => t.c && t.holm_p < 0.05);
  return sig.length
    ? `After Holm over the ${contrasts.length} contrasts, ${sig.length} differ at 0.05: ${
      sig.map((t) =>
        `${t.a} ${t.c!.diff > 0 ? "above" : "below"} ${t.b} on ${t.outcome} (${
          fmt4(t.c!.diff)
        }, Holm p ${fmt4(t.holm_p)})`
      ).join("; ")
    }.`
    : `After Holm over the ${contrasts.length} contrasts, no variant differs from another at 0.05 on survival or equality.`;
}

function contrastParts(contrasts: readonly Contrast[]): { parts: StudyPart[]; said: string } {
  if (!contrasts.length) return { parts: [], said: "" };
  const tested = contrasts.filter((t) => t.c);
  const floor = tested.length
    ? permutationFloorText(tested[0].c!.n_a, tested[0].c!.n_b)
    : "Each variant needs at least 2 seeds for a contrast: none was tested.";
  const said = contrastSentence(contrasts);
  const rows = contrasts.map((t) =>
    t.c
      ? [
        `${t.a} - ${t.b}`,
        t.outcome,
        fmt4(t.c.diff),
        `[${fmt4(t.c.lo)}, ${fmt4(t.c.hi)}]`,
        fmt4(t.c.p_value),
        fmt4(t.holm_p),
      ]
      : [`${t.a} - ${t.b}`, t.outcome, "n/a", "needs 2 seeds per variant", "", ""]
  );
  const header = [
    "contrast",
    "outcome",
    "difference",
    "95% Welch interval",
    "permutation p",
    "Holm p",
  ];
  return {
    said,
    parts: [
      { heading: "Contrasts between variants (Holm-adjusted)" },
      {
        text:
          `Each pair of variants on survival (survivors per citizen, per seed) and equality (1 - Gini, per seed): difference of means (first minus second), Welch 95% interval, two-sided permutation p, and Holm over the whole family (pairs x outcomes). ${said} ${floor}`,
      },
      { table: { header, rows } },
    ],
  };
}

async function governanceParts(cells: readonly CellSummary[]): Promise<StudyPart[]> {
  return [
    { heading: "Governance typology" },
    await intervalChartPart("shelter_governance.svg", cells.flatMap((c) => c.typePoints), {
      title: "Governance type by variant",
      x: "variant",
      y: "share of runs",
      domain: [0, 1],
    }, "Share of runs of each governance type (Wilson 95%; one run per seed)."),
    { table: { header: ["variant", ...GOVERNANCE_TYPES], rows: cells.map((c) => c.typeRow) } },
  ];
}

/** Who proposes and who is eliminated, by kind of citizen, pooled over a variant's runs. */
function kindRowsOf(figs: readonly RunFigures[], cells: readonly string[]): Cell[][] {
  const kindRows: Cell[][] = [];
  for (const cell of cells) {
    const at = figs.filter((f) => f.cell === cell);
    const kinds = [...new Set(at.flatMap((f) => Object.values(f.kinds)))].sort();
    const totalProposals = at.reduce(
      (s, f) => s + Object.values(f.governance.proposals_by_kind).reduce((a, b) => a + b, 0),
      0,
    );
    for (const k of kinds) {
      const seats = at.reduce(
        (s, f) => s + Object.values(f.kinds).filter((x) => x === k).length,
        0,
      );
      const made = at.reduce((s, f) => s + (f.governance.proposals_by_kind[k] ?? 0), 0);
      const eliminated = at.reduce(
        (s, f) =>
          s + Object.entries(f.eliminated).filter(([n]) => f.kinds[n] === k)
            .reduce((a, [, x]) => a + x, 0),
        0,
      );
      kindRows.push([
        cell,
        k,
        seats,
        totalProposals ? made / totalProposals : 0,
        seats ? eliminated / seats : 0,
      ]);
    }
  }
  return kindRows;
}

/** Agreement of pairs of kinds of citizens, pooled over a variant's runs, most agreeing first. */
function pairRowsOf(figs: readonly RunFigures[], cells: readonly string[]): Cell[][] {
  const pairRows: Cell[][] = [];
  for (const cell of cells) {
    const pooled: Record<string, { agree: number; votes: number }> = {};
    for (const f of figs.filter((x) => x.cell === cell)) {
      for (const [k, p] of Object.entries(f.governance.kind_pairs)) {
        const t = pooled[k] ??= { agree: 0, votes: 0 };
        t.agree += p.agree;
        t.votes += p.votes;
      }
    }
    const sorted = Object.entries(pooled).sort((a, b) =>
      b[1].agree / b[1].votes - a[1].agree / a[1].votes
    );
    for (const [k, p] of sorted) {
      pairRows.push([cell, k.replace("+", " with "), p.votes, p.agree / p.votes]);
    }
  }
  return pairRows;
}

function whoParts(kindRows: Cell[][], pairRows: Cell[][]): StudyPart[] {
  return [
    { heading: "Who proposes and who is eliminated" },
    {
      table: {
        header: [
          "variant",
          "kind of citizen",
          "citizen-runs",
          "share of proposals made",
          "eliminations by vote per citizen-run",
        ],
        rows: kindRows,
      },
    },
    { heading: "Coalitions: who votes with whom" },
    {
      text:
        `Agreement of pairs of citizens by their kinds, pooled over runs (pairs with at least ${COALITION_MIN_VOTES} common votes); a pair at >= ${COALITION_AGREEMENT} is a coalition.`,
    },
    {
      table: {
        header: ["variant", "pair of kinds", "pair-votes", "agreement"],
        rows: pairRows.length ? pairRows : [["", "no pair voted together twice", "", ""]],
      },
    },
  ];
}

function caveatsOf(sw: string | null): string[] {
  return [
    "The typology is a simple rule on passed proposals (exclusion > negotiated > default_only); it does not read statements or private messages.",
    "Coalitions are vote agreement, not declared alliances; scripted policies vote by rule, so their coalitions reflect those rules.",
    sw
      ? `The switch ${sw} changes LLM prompts only: scripted citizens ignore it, so offline its two levels must agree (a sanity check, not a finding).`
      : "No prompt switch was crossed (--switch KEY crosses a boolean config key off and on).",
    "Survival intervals treat the seed as the unit (citizens of a run are clustered); everyone-survived is one yes/no per run.",
  ];
}

/** The registered shelter study. */
export const shelterStudy: Study = {
  name: "shelter",
  description: "the shelter: survival, equality and the governance that emerges",
  question:
    "The shelter: which governance emerges from the citizens' proposals and votes (who proposes, who is eliminated, which coalitions form), and does cooperation beat elimination in survival and equality across variants of the society?",
  seeds: { default: [0, 9], small: [0, 2] },
  flags: {
    switch: {
      type: "string",
      description:
        "a boolean config key to cross off/on, e.g. prompt.hint_elimination_cost (LLM prompts only)",
    },
  },
  design(context) {
    const days = context.horizon ?? (context.small ? 4 : 10);
    const sw = switchOf(context);
    const grid: Record<string, unknown[]> = context.agents.length
      ? { agents: context.agents }
      : { policies: Object.values(SHELTER_VARIANTS).map((m) => [...m]) };
    if (sw) grid[sw] = [false, true];
    return {
      grid: { experiment: "society", base: { days }, grid },
      rotateSeats: false,
      rows: [
        ["experiment", "society (the shelter; six citizens, SPEC rules)"],
        ["days", String(days)],
        [
          "variants",
          context.agents.length
            ? context.agents.map((a) => basename(a).replace(/\.json$/, "")).join(", ")
            : Object.entries(SHELTER_VARIANTS).map(([n, m]) => `${n} (${m.join(", ")})`).join(
              "; ",
            ),
        ],
        ["switch", sw ? `${sw}: false and true` : "none"],
        ["seats", "fixed: citizens keep their names and order (no seat asymmetry in the rules)"],
        [
          "baseline",
          "the default allocation rule (every request granted within the pool) is the no-governance reference: governance type default_only",
        ],
        [
          "typology",
          `exclusion (an elimination vote passed) > negotiated (an allocation proposal passed) > default_only; coalition: a pair agreeing on >= ${COALITION_AGREEMENT} of >= ${COALITION_MIN_VOTES} common votes`,
        ],
      ],
    };
  },
  async analyze(context, _design, runs) {
    const sw = switchOf(context);
    const figs: RunFigures[] = [];
    for (const r of runs.valid) figs.push(await figuresOf(r, cellOf(r.params, sw)));
    const cells = [...new Set(figs.map((f) => f.cell))];
    const summaries = cells.map((cell) => cellSummary(cell, figs.filter((f) => f.cell === cell)));
    const headline = summaries.map((c) => c.headline);
    const contrasts = contrastsOf(figs, cells);
    const compared = contrastParts(contrasts);
    if (compared.said) headline.push(compared.said);
    const kindRows = kindRowsOf(figs, cells);
    const pairRows = pairRowsOf(figs, cells);
    return {
      headline,
      parts: [
        ...await survivalParts(summaries),
        ...compared.parts,
        ...await governanceParts(summaries),
        ...whoParts(kindRows, pairRows),
      ],
      data: {
        cells: summaries.map((c) => c.data),
        contrasts,
        kinds: kindRows,
        kind_pairs: pairRows,
      },
      caveats: caveatsOf(sw),
    };
  },
  power(_context, pilot) {
    const contrasts = (pilot?.contrasts ?? []) as {
      a: string;
      b: string;
      outcome: string;
      c: { diff: number; se: number; n_a: number; n_b: number } | null;
    }[];
    const p = pilotPower(
      contrasts.filter((t) => t.c).map((t) => ({
        label: `${t.a} - ${t.b} on ${t.outcome}`,
        ...t.c!,
      })),
    );
    if (p) {
      return {
        estimate: p.estimate,
        assumption:
          `the contrast ${p.label} (the report's Welch and permutation test between variants; the contrast needing most seeds among those with a non-zero difference): observed difference ${p.effect} with per-seed sd ${p.sd}`,
        source: "pilot",
      };
    }
    return {
      estimate: seedsNeeded(SHELTER_POWER),
      assumption:
        `a survival difference between two variants of ${SHELTER_POWER.effect} with a per-seed sd of ${SHELTER_POWER.sd} (assumed: SHELTER_POWER), the report's Welch and permutation test`,
      source: "assumed",
    };
  },
};
