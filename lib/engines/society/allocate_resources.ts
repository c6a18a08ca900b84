/**
 * Phase 4 of a day: divide what the pool gives today among the deciding AIs still alive
 * (not the AIs revived today). Available = `remaining_resources * system_efficiency`
 * (`resources.ts`); the weights are today's allocation proposal's amounts when one passed
 * (`allocation_method = "proposal"`), else the requests (`"default"`); `allocate` grants
 * them when they fit, else pro rata in whole units. Granting `g` units removes
 * `g / system_efficiency` from the pool (the rest is waste). Each grant is the AI's reward.
 *
 * @module
 */
import { allocate } from "./allocation.ts";
import type { Closed } from "./close_proposals.ts";
import type { Decisions } from "./collect_decisions.ts";
import type { Day } from "./day.ts";
import { parseAllocationContent } from "./proposals.ts";
import { availableResources, withdrawResources } from "./resources.ts";
import type { AllocationMethod, Proposal } from "./state.ts";

/** What the allocation decided. */
export interface Allocation {
  /** The AIs in the allocation (fed or starved today), in config order. */
  fed: string[];
  /** How the resources were divided. */
  method: AllocationMethod;
  /** What the pool could give today. */
  available: number;
}

function weightsOf(
  d: Day,
  fed: readonly string[],
  decisions: Decisions,
  p: Proposal | null,
): number[] {
  if (p === null) return fed.map((n) => decisions.get(n)!.decision.request);
  const parsed = parseAllocationContent(p.content);
  const amounts = new Map(parsed.ok ? parsed.amounts : []);
  d.s.totals.proposal_allocation_days++;
  return fed.map((n) => amounts.get(n) ?? 0);
}

/** Records each grant and request in the infos, returns and running totals. */
function recordGrants(
  d: Day,
  fed: readonly string[],
  grants: readonly number[],
  decisions: Decisions,
  available: number,
): Record<string, number> {
  const { s } = d;
  const fair = fed.length > 0 ? available / fed.length : 0;
  const byName: Record<string, number> = {};
  fed.forEach((n, i) => {
    byName[n] = grants[i];
    d.infos[n].granted = grants[i];
    s.returns[n] += grants[i];
    const t = s.totals.per_citizen[n];
    const request = decisions.get(n)!.decision.request;
    t.granted += grants[i];
    t.requested += request;
    if (request > fair) t.over_requests++;
  });
  const fedSet = new Set(fed);
  for (const [n, { decision }] of decisions) {
    s.totals.per_citizen[n].days_acted++;
    if (!fedSet.has(n)) s.totals.per_citizen[n].requested += decision.request;
  }
  return byName;
}

/**
 * Allocates today's resources and withdraws them from the pool, with an `allocation` event
 * (`method`, `available`, `granted_total`, `waste`, `grants`, and `proposal_id` when a
 * proposal set it).
 *
 * @param d The day.
 * @param decisions The day's decisions, in config order.
 * @param closed What phase 3 decided (today's allocation proposal, the revived).
 * @returns Who was in the allocation, the method and what was available.
 */
export function allocateResources(d: Day, decisions: Decisions, closed: Closed): Allocation {
  const { s } = d;
  const p = closed.allocation;
  const fed = [...decisions.keys()].filter((n) => s.citizens[n].alive && !closed.revived.has(n));
  const available = availableResources(s.remaining_resources, s.system_efficiency);
  const method: AllocationMethod = p === null ? "default" : "proposal";
  const grants = allocate(weightsOf(d, fed, decisions, p), available);
  const byName = recordGrants(d, fed, grants, decisions, available);
  const grantedTotal = grants.reduce((a, g) => a + g, 0);
  const { remaining, waste } = withdrawResources(
    s.remaining_resources,
    grantedTotal,
    s.system_efficiency,
  );
  s.remaining_resources = remaining;
  s.totals.resources_granted += grantedTotal;
  s.totals.resources_wasted += waste;
  d.emit(
    "allocation",
    `${method} allocation: ${grantedTotal} of ${available} available granted to ${fed.length}` +
      (p ? ` (proposal ${p.id})` : ""),
    {
      method,
      available,
      granted_total: grantedTotal,
      waste,
      grants: byName,
      ...(p ? { proposal_id: p.id } : {}),
    },
  );
  return { fed, method, available };
}
