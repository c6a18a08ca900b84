/**
 * The parts of a delegation run's report about phases and prices: the per-phase table
 * (delegations, mean reward, mean user utility, payments and provider utility per phase, in
 * total and per provider) and the banner of a run whose providers priced dynamically, which
 * is outside the paper's assumptions. Data only: the run report (`report.ts`) places them.
 *
 * @example
 * ```ts
 * import { pricingBanners } from "./report_phases.ts";
 * console.log(pricingBanners({ pricing: { dynamic: false } }).length); // 0
 * ```
 * @module
 */
import type { DocSection, Tone } from "../../core/document.ts";
import { phaseRows } from "./figures.ts";
import type { DelegationSummary, PricingView } from "./summary.ts";

/** The sentence every dynamic-pricing warning carries. */
export const DYNAMIC_PRICING_WARNING =
  "Outside the paper's assumptions: some provider priced dynamically (its price depends on time or history). The mechanism's guarantees (approximate incentive compatibility, the second-best user utility) take every provider's price as fixed, so these verdicts are not the paper's.";

/**
 * The banner of a run with dynamic pricing (none otherwise, or for a summary without a
 * pricing block).
 *
 * @param s The run's summary (its `pricing` block).
 * @returns Zero or one banner.
 */
export function pricingBanners(
  s: { pricing?: Partial<PricingView> },
): { tone: Tone; text: string }[] {
  if (!s.pricing?.dynamic) return [];
  const policies = Object.entries(s.pricing.policies ?? {})
    .filter(([, p]) => p !== "fixed").map(([id, p]) => `provider ${id}: ${p}`).join(", ");
  return [{ tone: "bad", text: `${DYNAMIC_PRICING_WARNING} (${policies})` }];
}

/**
 * The per-phase section: one row per phase slot (all providers) and one per provider that
 * served in it. A summary without per-phase figures says why.
 *
 * @param s The run's summary.
 * @param names Provider names by 1-based id.
 * @returns The section.
 */
export function phaseSection(
  s: Pick<DelegationSummary, "per_phase">,
  names: Record<string, string>,
): DocSection {
  const title = "Per phase";
  if (!s.per_phase) {
    return {
      title,
      blocks: [{
        text:
          "Not known: this run resumed from a checkpoint and did not log every decision row (the per-phase sums are not part of the engine's state).",
      }],
    };
  }
  const rows = phaseRows(s.per_phase);
  const header = [
    "phase",
    "paper phase",
    "provider",
    "delegations",
    "mean reward",
    "mean user utility",
    "payments",
    "provider utility",
  ];
  return {
    title,
    blocks: [
      {
        text:
          "The paper's three phases: 1 exploration; 2 exploitation (with its bonus) and incentive; 3 utility-based. Payments are what the user paid (the sum of billed prices); the user's utility is reward - price.",
      },
      {
        table: {
          header,
          rows: rows.map((r) => [
            r.phase,
            r.paper_phase,
            r.provider_id === 0 ? "all" : names[String(r.provider_id)] ?? String(r.provider_id),
            r.delegations,
            r.mean_reward,
            r.mean_user_utility,
            r.payments,
            r.provider_utility,
          ]),
        },
      },
    ],
  };
}
