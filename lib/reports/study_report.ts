/**
 * The report of a study (`deno task run study <name>`): a {@linkcode ReportDocument} of
 * sections (Question, Design, Answer, Caveats...) built by {@linkcode studyDocument} and
 * written by {@linkcode writeStudyReport} with `writeDocument` (a self-contained
 * `report.html`, a `report.md` with the charts as SVG files beside it) plus the study's data
 * as `study.json`. Also a chart builder every study uses: means or rates with their
 * intervals, by category. Nothing here names an engine.
 *
 * @example
 * ```ts ignore
 * import { writeStudyReport } from "./study_report.ts";
 * await writeStudyReport("reports/study-rq2", {
 *   title: "RQ2",
 *   sections: [{ title: "Question", blocks: [{ text: "Do miners ...?" }] }],
 *   data: {},
 * });
 * ```
 * @module
 */
import { join } from "node:path";
import type { TopLevelSpec } from "../charts/render.ts";
import { chartBlock } from "../charts/chart_block.ts";
import type { Block, DocSection, ReportDocument } from "../core/document.ts";
import { type SeedsNeeded, seedsNeeded } from "../analysis/power.ts";
import { formatNumber, writeDocument } from "./render_document.ts";

/** A part of a study section: a block of the report document model (`core/document.ts`). */
export type StudyPart = Block;

/**
 * A section of a study report: a document section (`{ title, blocks }`), or the older
 * `{ title, parts }` form, still accepted (rename `parts` to `blocks`).
 */
export type StudySection =
  | DocSection
  | { readonly title: string; readonly parts: readonly StudyPart[] };

/** A whole study report. */
export interface StudyDocument {
  /** The `<h1>` title. */
  title: string;
  /** Question, Design, Answer, Caveats (and any others), in order. */
  sections: readonly StudySection[];
  /** Everything behind the figures (written as `study.json`). */
  data: Record<string, unknown>;
}

/**
 * A chart block of an interval chart (see {@linkcode intervalChart}); the spec is rendered
 * when the document is written. Async for the callers written when it rendered here.
 *
 * @param file The SVG file's name (the Markdown links to it).
 * @param points The estimates with their intervals.
 * @param options Title, axes and an optional y domain.
 * @param caption What the chart shows, and how its intervals were taken.
 * @returns The block.
 */
export function intervalChartPart(
  file: string,
  points: readonly IntervalPoint[],
  options: Parameters<typeof intervalChart>[1],
  caption: string,
): Promise<Block> {
  return Promise.resolve(chartBlock(intervalChart(points, options), file, caption));
}

/**
 * A figure with its interval as text, numbers formatted for people (`formatNumber`):
 * `0.25 [0.1, 0.4]`; an unbounded or missing bound is
 * `n/a` (one seed gives no interval).
 *
 * @example
 * ```ts
 * import { ciText } from "./study_report.ts";
 * console.log(ciText({ mean: 0.25, lo: 0.1, hi: 0.4 })); // 0.25 [0.1, 0.4]
 * ```
 */
export function ciText(ci: { mean?: number; rate?: number; lo: number; hi: number }): string {
  const f = (x: number | undefined) =>
    typeof x === "number" && Number.isFinite(x) ? formatNumber(x) : "n/a";
  return `${f(ci.mean ?? ci.rate)} [${f(ci.lo)}, ${f(ci.hi)}]`;
}

/** One bar of {@linkcode intervalChart}. */
export interface IntervalPoint {
  /** The category on the x axis (a model, a variant...). */
  x: string;
  /** The series (colour), e.g. `kappa=0.2`. */
  series: string;
  /** The estimate. */
  mean: number;
  /** The interval's lower bound (not finite: no rule drawn). */
  lo: number;
  /** The interval's upper bound. */
  hi: number;
}

/**
 * Points with interval rules, by category and series (series side by side): the figure of
 * a study's answer. Bounds that are not finite are left out of the rules.
 *
 * @param points The estimates.
 * @param options Title, axis titles, and a fixed y domain (e.g. `[0, 1]` for shares).
 * @returns A Vega-Lite spec.
 *
 * @example
 * ```ts
 * import { intervalChart } from "./study_report.ts";
 * const spec = intervalChart([{ x: "a", series: "s", mean: 0.5, lo: 0.2, hi: 0.8 }], {
 *   title: "t", x: "model", y: "share",
 * });
 * console.log(spec.title); // t
 * ```
 */
export function intervalChart(
  points: readonly IntervalPoint[],
  options: { title: string; x: string; y: string; domain?: [number, number] },
): TopLevelSpec {
  const values = points.map((p) => ({
    ...p,
    mean: Number.isFinite(p.mean) ? p.mean : null,
    lo: Number.isFinite(p.lo) ? p.lo : null,
    hi: Number.isFinite(p.hi) ? p.hi : null,
  }));
  const unit = options.domain?.[0] === 0 && options.domain?.[1] === 1;
  const y = {
    type: "quantitative",
    title: options.y,
    // a [0, 1] domain is a share: read as a percentage; other values without trailing zeros
    axis: { format: unit ? ".0%" : "~g" },
    ...(options.domain ? { scale: { domain: options.domain } } : {}),
  } as const;
  return {
    title: options.title,
    width: { step: 36 },
    height: 260,
    data: { values },
    encoding: {
      x: { field: "x", type: "nominal", title: options.x, axis: { labelAngle: -30 } },
      xOffset: { field: "series", type: "nominal" },
      color: { field: "series", type: "nominal", title: "", legend: { labelLimit: 360 } },
    },
    layer: [
      {
        mark: { type: "rule", strokeWidth: 2 },
        transform: [{ filter: "datum.lo !== null && datum.hi !== null" }],
        encoding: { y: { field: "lo", ...y }, y2: { field: "hi" } },
      },
      {
        mark: { type: "point", filled: true, size: 70 },
        transform: [{ filter: "datum.mean !== null" }],
        encoding: {
          y: { field: "mean", ...y },
          tooltip: [
            { field: "x" },
            { field: "series" },
            { field: "mean", format: ".4f" },
            { field: "lo", format: ".4f" },
            { field: "hi", format: ".4f" },
          ],
        },
      },
    ],
  } as TopLevelSpec;
}

/** `JSON.stringify` with non-finite numbers as `null` (an unbounded interval). */
function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
    2,
  );
}

/**
 * The study report as a document: its title and sections (older `{ title, parts }`
 * sections read as `{ title, blocks }`). Writes nothing.
 *
 * @param doc The study's report.
 * @returns The document.
 *
 * @example
 * ```ts
 * import { studyDocument } from "./study_report.ts";
 * const doc = studyDocument({ title: "S", sections: [{ title: "Q", parts: [{ text: "?" }] }], data: {} });
 * console.log(doc.sections[0].blocks); // [{ text: "?" }]
 * ```
 */
export function studyDocument(doc: StudyDocument): ReportDocument {
  return {
    title: doc.title,
    sections: doc.sections.map((s) => ({
      title: s.title,
      blocks: "blocks" in s ? s.blocks : s.parts,
    })),
  };
}

/**
 * Writes the study's report (`report.md`, `report.html`, the chart files) and `study.json`
 * into `outDir`.
 *
 * @param outDir Where to write (created when missing).
 * @param doc The study's report.
 * @returns The path of `report.html`.
 */
export async function writeStudyReport(outDir: string, doc: StudyDocument): Promise<string> {
  await Deno.mkdir(outDir, { recursive: true });
  await Deno.writeTextFile(join(outDir, "study.json"), toJson(doc.data) + "\n");
  return await writeDocument(outDir, studyDocument(doc));
}

/**
 * The smallest two-sided p-value an exact permutation test of two groups of sizes `na`, `nb`
 * can reach (`compare` of `lib/analysis/stats.ts`): one split in `C(na + nb, na)`, two when
 * the groups are the same size (a split and its mirror give the same |difference|).
 *
 * @param na Size of the first group.
 * @param nb Size of the second group.
 * @returns The floor of the p-value, in (0, 1].
 *
 * @example
 * ```ts
 * import { smallestPermutationP } from "./study_report.ts";
 * console.log(smallestPermutationP(3, 3)); // 0.1
 * ```
 */
export function smallestPermutationP(na: number, nb: number): number {
  let c = 1;
  for (let i = 1; i <= nb; i++) c = (c * (na + i)) / i;
  return Math.min(1, (na === nb ? 2 : 1) / Math.round(c));
}

/**
 * One sentence on whether a permutation test with `na` and `nb` seeds can reject at all:
 * its smallest attainable p against `alpha` (before any Holm correction, which only raises it).
 *
 * @example
 * ```ts
 * import { permutationFloorText } from "./study_report.ts";
 * console.log(permutationFloorText(3, 3).startsWith("With 3 and 3 seeds")); // true
 * ```
 */
export function permutationFloorText(na: number, nb: number, alpha = 0.05): string {
  const floor = smallestPermutationP(na, nb);
  const p = Number(floor.toPrecision(3));
  return floor >= alpha
    ? `With ${na} and ${nb} seeds the smallest attainable permutation p is ${p}: no contrast can reject at ${alpha} at this size (run more seeds).`
    : `With ${na} and ${nb} seeds the smallest attainable permutation p is ${p} (before Holm).`;
}

/** An observed two-sample contrast (a `Comparison` of `lib/analysis/stats.ts`, named). */
export interface PilotContrast {
  /** What is compared, e.g. a model or two variants. */
  label: string;
  /** The observed difference of means. */
  diff: number;
  /** Its standard error, `sqrt(var_a / n_a + var_b / n_b)`. */
  se: number;
  /** Seeds of the first condition. */
  n_a: number;
  /** Seeds of the second condition. */
  n_b: number;
}

/**
 * Seeds needed per condition from a pilot's observed contrasts: each contrast's per-seed sd
 * is recovered from its standard error (`se / sqrt(1/n_a + 1/n_b)`) and its observed
 * difference taken as the effect (`seedsNeeded`); contrasts with a zero difference or spread
 * are skipped, and the one needing most seeds (that can be sized) is returned.
 *
 * @param contrasts The pilot's contrasts.
 * @returns The estimate with the contrast it sizes, or `null` when none can be used.
 *
 * @example
 * ```ts
 * import { pilotPower } from "./study_report.ts";
 * const p = pilotPower([{ label: "a", diff: 1, se: 0.5, n_a: 4, n_b: 4 }]);
 * console.log(p?.label, p!.estimate.n > 2); // a true
 * ```
 */
export function pilotPower(
  contrasts: readonly PilotContrast[],
): { estimate: SeedsNeeded; label: string; effect: number; sd: number } | null {
  let best: { estimate: SeedsNeeded; label: string; effect: number; sd: number } | null = null;
  for (const c of contrasts) {
    if (!(c.n_a >= 2 && c.n_b >= 2)) continue;
    const sd = c.se / Math.sqrt(1 / c.n_a + 1 / c.n_b);
    if (!(Number.isFinite(c.diff) && c.diff !== 0 && Number.isFinite(sd) && sd > 0)) continue;
    try {
      const estimate = seedsNeeded({ effect: c.diff, sd });
      if (!best || estimate.n > best.estimate.n) {
        const r = (x: number) => Number(x.toPrecision(3));
        best = { estimate, label: c.label, effect: r(c.diff), sd: r(sd) };
      }
    } catch {
      // more seeds than can be searched: not a usable pilot figure
    }
  }
  return best;
}
