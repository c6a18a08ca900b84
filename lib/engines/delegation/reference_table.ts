/**
 * A study set against a reference table with the paper's columns (e.g.
 * `paper_results_summary.csv`), and the small CSV reader it needs. Plain records, no Polars
 * (the study command uses it at start-up speed); `analysis.ts` re-exports it.
 *
 * @example
 * ```ts
 * import { parseCsv } from "./reference_table.ts";
 * console.log(parseCsv("a,b\n1,x\n")); // [{ a: "1", b: "x" }]
 * ```
 * @module
 */
import type { StudyRow } from "./study.ts";

/** One combination of a study set against a reference table (e.g. the paper's). */
export interface ReferenceComparison {
  /** The providers' strategies, joined by `-` (e.g. `honest-ours`). */
  strategy_combination: string;
  /** Total user utility in the study's run. */
  total_user_utility: number;
  /** Total user utility in the reference table. */
  reference_user_utility: number;
  /** Delegations in the study's run. */
  total_delegations: number;
  /** Delegations in the reference table. */
  reference_delegations: number;
  /** The provider with the highest utility in the study's run. */
  best_provider: string | number;
  /** The provider with the highest utility in the reference table. */
  reference_best_provider: string;
  /** The largest absolute difference over every utility and reward column. */
  max_difference: number;
}

/**
 * Parses a CSV of plain cells (no quoted commas), as the study and the paper write it.
 *
 * @example
 * ```ts
 * import { parseCsv } from "./reference_table.ts";
 * console.log(parseCsv("a,b\n1,x\n")); // [{ a: "1", b: "x" }]
 * ```
 */
export function parseCsv(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split(/\r?\n/);
  const cols = head.split(",");
  return lines.filter((l) => l.trim() !== "").map((l) => {
    const cells = l.split(",");
    return Object.fromEntries(cols.map((c, j) => [c, cells[j] ?? ""]));
  });
}

/**
 * Sets study rows (one seed) beside a reference table with the paper's columns, matched by
 * `strategy_combination`, in the study's order.
 *
 * @throws {RangeError} When a combination of the reference is missing from the rows.
 */
export function compareWithReference(
  rows: readonly StudyRow[],
  reference: readonly Record<string, string>[],
): ReferenceComparison[] {
  const byCombo = new Map(rows.map((r) => [String(r.strategy_combination), r]));
  return reference.map((ref) => {
    const row = byCombo.get(ref.strategy_combination);
    if (!row) {
      throw new RangeError(`Cannot compare: no study row for '${ref.strategy_combination}'`);
    }
    let max = 0;
    for (const [c, v] of Object.entries(ref)) {
      if (!/utility|reward|^provider_\d+_/.test(c) || v === "") continue;
      max = Math.max(max, Math.abs(Number(row[c]) - Number(v)));
    }
    return {
      strategy_combination: ref.strategy_combination,
      total_user_utility: Number(row.total_user_utility),
      reference_user_utility: Number(ref.total_user_utility),
      total_delegations: Number(row.total_delegations),
      reference_delegations: Number(ref.total_delegations),
      best_provider: row.best_provider,
      reference_best_provider: ref.best_provider,
      max_difference: max,
    };
  }).sort((a, b) =>
    [...byCombo.keys()].indexOf(a.strategy_combination) -
    [...byCombo.keys()].indexOf(b.strategy_combination)
  );
}
