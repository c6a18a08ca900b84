/**
 * The stage-game (myopic) best response of a shelter citizen: the resource request that
 * maximises its reward of the day (the resources granted, the engine's `rewards`) when
 * every other citizen's decision of that day is held as it was.
 *
 * **What is optimised, what is held fixed.** Only the request. The citizen's votes,
 * proposals, messages and meetings are held as they were, and so are the others' whole
 * decisions. The request is the one part of a decision that enters the same day's reward
 * through a rule function alone (`allocation.ts`); votes and proposals act through the
 * proposal stage (an allocation proposal of yesterday, an elimination), whose outcome is
 * the same for every request, and a new proposal only opens for votes tomorrow. So on a day
 * whose allocation follows a passed proposal, or for a citizen voted out before the
 * allocation, the request changes nothing and the best response earns what was earned.
 *
 * **The maximum, exactly.** On a `default` allocation day with `A` units available and the
 * other fed citizens asking `O` in total, no request earns more than `A`: a request that fits
 * (`r + O <= A`) is granted `r <= A − O`, and an oversubscribed day hands out exactly `A`
 * units in all (largest remainders). `A` is attained by the request `r* = A + 2·A·O`: with
 * `O = 0` it fits and is granted `A`; with `O > 0` every other quota `A·w/(r* + O)` sums to
 * `x = A·O/(r* + O) < 1/2`, so the others' floors are 0, the citizen's is `A − 1` (or `A`),
 * and the one unit left goes to its remainder `1 − x > 1/2 > x`. {@linkcode bestResponseRequest}
 * re-runs `allocate` with `r*` to get the grant, so the value is the engine's own rule.
 *
 * So the myopic best response is to claim the whole pool: the shelter's tragedy of the
 * commons. A restrained citizen has a large stage-game regret that measures restraint, not
 * error; it is not an equilibrium test (a claim on the pool today costs survival later).
 *
 * @example
 * ```ts
 * import { bestResponseRequest } from "./best_response.ts";
 * console.log(bestResponseRequest([50, 30], 1, 100)); // { request: 10100, grant: 100 }
 * console.log(bestResponseRequest([0, 0], 0, 90)); // { request: 90, grant: 90 }
 * ```
 * @module
 */
import { allocate } from "./allocation.ts";

/** What {@linkcode bestResponseRequest} returns. */
export interface BestRequest {
  /** The request `A + 2·A·O` (`O`: the others' requests in total). */
  request: number;
  /** The grant it gets from `allocate`, which is `A` (the most any request can get). */
  grant: number;
}

/**
 * The best-response request of the citizen at `index` among the day's fed citizens, and
 * the grant `allocate` gives it, the others' requests held as they are.
 *
 * @param requests Every fed citizen's request, in the engine's order (config order).
 * @param index The citizen's position in `requests` (its own request is replaced).
 * @param available The units available that day (an integer >= 0).
 * @returns The request and its grant.
 * @throws {RangeError} When `index` is outside `requests` or a figure is negative.
 *
 * @example
 * ```ts
 * import { bestResponseRequest } from "./best_response.ts";
 * console.log(bestResponseRequest([40, 40, 40], 2, 60).grant); // 60
 * ```
 */
export function bestResponseRequest(
  requests: readonly number[],
  index: number,
  available: number,
): BestRequest {
  if (!(Number.isInteger(index) && index >= 0 && index < requests.length)) {
    throw new RangeError(
      `Cannot compute best request: 'index' must be in 0..${requests.length - 1}, got ${index}`,
    );
  }
  if (!(Number.isFinite(available) && available >= 0) || requests.some((r) => !(r >= 0))) {
    throw new RangeError(
      `Cannot compute best request: requests and 'available' must be >= 0, got ${available}`,
    );
  }
  const A = Math.floor(available);
  const others = requests.reduce((s, r, i) => (i === index ? s : s + r), 0);
  const request = A + 2 * A * others;
  const grant = allocate(requests.map((r, i) => (i === index ? request : r)), available)[index];
  return { request, grant };
}

/**
 * {@linkcode bestResponseRequest} for every citizen of a day at once, in O(n): each one's
 * request is `A + 2·A·(S − r_i)` (`S`: the day's requests in total) and its grant is `A`,
 * which is what `allocate` gives it (the module doc's proof), so no allocation is re-run.
 * For whole-number requests (the engine's) the figures equal {@linkcode bestResponseRequest}'s
 * exactly; a test checks it.
 *
 * @param requests Every fed citizen's request (whole numbers >= 0), in the engine's order.
 * @param available The units available that day (>= 0).
 * @returns The best response of each citizen, in order.
 * @throws {RangeError} When a figure is negative.
 *
 * @example
 * ```ts
 * import { bestResponses } from "./best_response.ts";
 * console.log(bestResponses([50, 30], 100)); // [{ request: 6100, grant: 100 }, { request: 10100, grant: 100 }]
 * ```
 */
export function bestResponses(requests: readonly number[], available: number): BestRequest[] {
  if (!(Number.isFinite(available) && available >= 0) || requests.some((r) => !(r >= 0))) {
    throw new RangeError(
      `Cannot compute best requests: requests and 'available' must be >= 0, got ${available}`,
    );
  }
  const A = Math.floor(available);
  const total = requests.reduce((s, r) => s + r, 0);
  return requests.map((r) => ({ request: A + 2 * A * (total - r), grant: A }));
}
