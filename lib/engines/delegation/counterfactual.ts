/**
 * Counterfactual users for the delegation mechanism, played on the same providers,
 * strategies, task records and seed as the mechanism, so that "with the mechanism" can be
 * set beside "without it" and beside an oracle:
 *
 * - **No-mechanism user** ({@linkcode playNoMechanism}): explores exactly as the mechanism
 *   does (`B` delegations per provider in turn, the same draws from a stream seeded alike,
 *   so the same best provider), then commits every remaining task to that provider. It
 *   never audits, never stops early, pays no bonus, incentive or utility-based
 *   delegations, and promises no second-best utility (a provider sees phase 2 with
 *   `planned = T - t` and `secondBestUtility = 0`). This is explore-then-commit, the greedy
 *   learning user the mechanism's checks are added to: the same information (observed
 *   reward minus price), the same exploration, none of the checks. Under it the paper's
 *   `strategic` rule substitutes from its first committed delegation (its switch condition
 *   `reward >= planned * 0` holds at once), which is the best response to a user who never
 *   audits; `honest`, `worst` and `random` play as always.
 * - **Oracle user** ({@linkcode playOracle}): knows each provider's true served quality,
 *   i.e. the user utility of what the provider's own strategy serves when the user relies
 *   on it for all `T` tasks without audit (the no-mechanism observation above from `t = 0`),
 *   and delegates every task to the provider with the highest total. It is the best fixed
 *   provider in hindsight, the usual bandit benchmark. It also reports the *paid-for*
 *   benchmark: the provider whose best model (what every provider bills for) would give the
 *   user the most.
 * - **Regret** of a user against the oracle: oracle total user utility minus the user's,
 *   over all `T` tasks; a task the user never delegated (the mechanism may stop before `T`)
 *   earns it 0. It can be negative: the mechanism may be served a strategic provider's best
 *   model for a while, which the oracle's no-audit world never sees.
 * - **Stage-game regret of a provider** ({@linkcode providerRegretPoints}): for each of its
 *   delegations, the provider utility of its myopic best response on that task (the model
 *   with the highest `eta * price - cost`, prices billed at its best model's rates) minus
 *   what it earned. Against the no-mechanism user this is the true best response after
 *   commitment; against the mechanism it ignores the early stop, so it is named
 *   stage-game regret and is not an equilibrium test.
 *
 * Live mode has no counterfactual (a served model's answer on a task it did not serve is
 * not known): these functions throw for it.
 *
 * @example
 * ```ts
 * import { parseDelegationConfig } from "./config.ts";
 * import { compareWorlds } from "./counterfactual.ts";
 * const w = compareWorlds({ config: parseDelegationConfig({ T: 300 }), seed: 1 });
 * console.log(w.no_mechanism.user, w.oracle.user); // no_mechanism oracle
 * ```
 * @module
 */
import type { AgentId } from "../../core/game.ts";
import { type AgentRegret, type RegretPoint, RegretTally } from "../../core/regret.ts";
import type { DelegationConfig } from "./config.ts";
import { DelegationEngine, type DelegationObs, type DelegationRecord } from "./engine.ts";
import { explorationBlock } from "./parameters.ts";
import { isDynamicPricing } from "./pricing.ts";
import { createStream, type RunStream } from "./python_random.ts";
import type { TaskRecords } from "./records.ts";
import { bestCandidates } from "./selection.ts";
import { resolveStrategy, type Strategy, type StrategyView } from "./strategies.ts";
import type { DelegationTables } from "./tables.ts";

/** The users compared: the mechanism's, the no-mechanism baseline and the oracle. */
export type UserKind = "mechanism" | "no_mechanism" | "oracle";

/** What one user got over a run (sums over its delegations; arrays by provider index). */
export interface WorldOutcome {
  /** Which user delegated. */
  user: UserKind;
  /** The horizon `T` (tasks the user could delegate). */
  T: number;
  /** Delegations made (the mechanism may stop before `T`). */
  delegations: number;
  /** Sum of `reward - price` over its delegations (undelegated tasks earn 0). */
  user_utility: number;
  /** `user_utility / T`: the user's utility per task of the horizon. */
  user_utility_per_task: number;
  /** Delegations served with a model other than the provider's best. */
  substitutions: number;
  /** `substitutions / delegations` (0 without delegations). */
  substitution_share: number;
  /** 0-based index of the provider the user relied on most (the best / committed one). */
  best_provider: number;
  /** Delegations per provider. */
  provider_delegations: number[];
  /** Substitutions per provider. */
  provider_substitutions: number[];
  /** Provider utility (`eta * price - cost`) per provider. */
  provider_utility: number[];
}

/** The oracle: the best fixed provider in hindsight under served and paid-for quality. */
export interface OracleOutcome extends WorldOutcome {
  /** Per provider: total user utility of what it serves when relied on for all `T` tasks. */
  served_user_utility: number[];
  /** Per provider: total user utility of its best model on all `T` tasks (what it bills for). */
  honest_user_utility: number[];
  /** 0-based index of the provider that would be best if every provider were honest. */
  honest_best_provider: number;
  /** `max(honest_user_utility)`: the paid-for benchmark. */
  honest_best_utility: number;
}

/** The mechanism's audit on one run (its only check: the exploitation early stop). */
export interface DetectionOutcome {
  /** 0-based best provider (the one exploitation tests). */
  best_provider: number;
  /**
   * `true` when exploitation could test it: at least `B` exploitation delegations were
   * scheduled (the early-stop window fills only then).
   */
  tested: boolean;
  /** The best provider substituted in (main) exploitation before any stop: a positive case. */
  substituted: boolean;
  /** Exploitation stopped early. */
  stopped: boolean;
  /**
   * The stop came while the best provider was still serving its best model, but its
   * strategy, continued on the mechanism's observations for the rest of the planned
   * exploitation, would have substituted (the paper's `strategic` provider stopped before
   * its switch). Such a run is censored: neither a detection nor a false stop, and it
   * belongs to neither class (counting it as "honest" made every stopped `strategic` run a
   * false stop and every unstopped one a substitution).
   */
  preempted: boolean;
  /** `substituted && stopped`: the audit stopped a provider that had substituted. */
  detected: boolean;
  /**
   * `stopped && !substituted && !preempted`: a best provider that would have served its
   * best model throughout exploitation was stopped.
   */
  false_stop: boolean;
  /** Time of its first exploitation substitution, `null` when none. */
  first_substitution: number | null;
  /** Time of the early stop, `null` when none. */
  stop_time: number | null;
  /** Delegations from the first substitution to the stop, `null` unless detected. */
  delay: number | null;
}

/** The mechanism's run with what only a step-by-step pass sees. */
export interface MechanismOutcome extends WorldOutcome {
  /** The audit's outcome. */
  detection: DetectionOutcome;
  /** Providers' stage-game regret (keyed by provider name, from `summarizeRegret`). */
  regret: Record<string, AgentRegret>;
}

/** The three users on one seed, and what they tell apart. */
export interface WorldComparison {
  /** The run's seed. */
  seed: number;
  /** The mechanism's user. */
  mechanism: MechanismOutcome;
  /** The no-mechanism (explore-then-commit) user on the same seed. */
  no_mechanism: WorldOutcome & { regret: Record<string, AgentRegret> };
  /** The oracle user. */
  oracle: OracleOutcome;
  /** Figures of the comparison (see {@linkcode contrastWorlds}). */
  contrast: WorldContrast;
}

/** The figures that compare the users of one seed. */
export interface WorldContrast {
  /**
   * Substitution share without the mechanism minus with it (against the no-mechanism
   * user): positive when providers substituted less under the mechanism.
   */
  honesty_gain: number;
  /** User utility per task with the mechanism minus without it. */
  user_utility_gain_per_task: number;
  /** Oracle total user utility minus the mechanism user's (against the oracle). */
  user_regret: number;
  /** `user_regret / T`. */
  user_regret_per_task: number;
  /** Oracle total minus the no-mechanism user's. */
  no_mechanism_regret: number;
  /** `no_mechanism_regret / T`. */
  no_mechanism_regret_per_task: number;
  /** Paid-for benchmark (best provider served honestly) minus the mechanism user's. */
  paid_for_regret: number;
  /** `paid_for_regret / T`. */
  paid_for_regret_per_task: number;
}

/** Options shared by the players. */
export interface WorldOptions {
  /** The run's config (its providers' `strategy` are played unless `strategies` is given). */
  config: DelegationConfig;
  /** Records for recorded mode. */
  records?: TaskRecords;
  /** The seed: records (when synthetic) and every stream are seeded with it. */
  seed: number;
  /** One strategy per provider, in order. @default {the config's strategies} */
  strategies?: readonly (string | Strategy)[];
}

/**
 * Fails for live mode, where no counterfactual is known, and for dynamic pricing: the
 * counterfactual users read the tables' fixed prices.
 */
function checkMode(config: DelegationConfig, what: string): void {
  const dynamic = config.providers.findIndex((p) => isDynamicPricing(p.pricing));
  if (dynamic >= 0) {
    throw new TypeError(
      `Cannot play ${what}: config.providers[${dynamic}].pricing is dynamic ('${
        config.providers[dynamic].pricing!.policy
      }'); the counterfactual users assume fixed prices`,
    );
  }
  if (config.mechanism === "none") {
    throw new TypeError(
      `Cannot play ${what}: config.mechanism is 'none' (the counterfactuals are against the paper's mechanism)`,
    );
  }
  if (config.records.mode === "live") {
    throw new TypeError(
      `Cannot play ${what}: live mode has no counterfactual (unserved answers are unknown)`,
    );
  }
}

function strategiesOf(config: DelegationConfig, given?: readonly (string | Strategy)[]) {
  const list = given ?? config.providers.map((p) => p.strategy);
  if (list.length !== config.providers.length) {
    throw new RangeError(
      `Cannot play counterfactual: ${list.length} strategies for ${config.providers.length} providers`,
    );
  }
  return list.map((s) => resolveStrategy(s));
}

/** An engine reset on `seed`: its tables are the seed's (synthetic records are seeded). */
function seededEngine(options: WorldOptions): DelegationEngine {
  const engine = new DelegationEngine(options.config, { records: options.records });
  engine.reset({ seed: options.seed });
  return engine;
}

/** The providers' best response on one task: the largest provider utility over its models. */
function stageBest(tables: DelegationTables, i: number, pos: number): number {
  const p = tables.providers[i];
  const L = tables.length;
  let best = -Infinity;
  for (let j = 0; j < p.models.length; j++) {
    const v = p.providerUtility[j * L + pos];
    if (v > best) best = v;
  }
  return best;
}

/**
 * One stage-game regret point per delegation: the provider's myopic best response on that
 * task (its model with the highest `eta * price - cost`) against what it earned.
 *
 * @param tables The run's tables (`engine.tables`).
 * @param rows Delegations: `provider_id` (1-based), `time`, `provider_utility`, `provider`.
 * @returns One point per row, keyed by the provider's name.
 *
 * @example
 * ```ts
 * import { parseDelegationConfig } from "./config.ts";
 * import { DelegationEngine } from "./engine.ts";
 * import { providerRegretPoints } from "./counterfactual.ts";
 * const engine = new DelegationEngine(parseDelegationConfig({ T: 50 }));
 * const [p] = providerRegretPoints(engine.tables, [
 *   { provider: "provider_1", provider_id: 1, time: 0, provider_utility: 0 },
 * ]);
 * console.log(p.best >= p.earned); // true
 * ```
 */
export function providerRegretPoints(
  tables: DelegationTables,
  rows: Iterable<Pick<DelegationRecord, "provider" | "provider_id" | "time" | "provider_utility">>,
): RegretPoint[] {
  const out: RegretPoint[] = [];
  for (const r of rows) {
    const i = r.provider_id - 1;
    if (!(i >= 0 && i < tables.providers.length)) {
      throw new RangeError(`Cannot compute regret: unknown provider id ${r.provider_id}`);
    }
    out.push({
      agent: r.provider,
      best: stageBest(tables, i, r.time % tables.length),
      earned: r.provider_utility,
    });
  }
  return out;
}

/**
 * Stage-game regret tallied delegation by delegation: the same figures as
 * `summarizeRegret(providerRegretPoints(tables, rows))` in O(K) memory, so a run can count
 * its rows as it logs them instead of reading a million of them back.
 *
 * @example
 * ```ts
 * import { parseDelegationConfig } from "./config.ts";
 * import { DelegationEngine } from "./engine.ts";
 * import { ProviderRegretTally } from "./counterfactual.ts";
 * const engine = new DelegationEngine(parseDelegationConfig({ T: 50 }));
 * const tally = new ProviderRegretTally(engine);
 * tally.add("provider_1", 1, 0, 0);
 * console.log(tally.rows, Object.keys(tally.summary())); // 1 [ "provider_1" ]
 * ```
 */
export class ProviderRegretTally {
  #source: { readonly tables: DelegationTables };
  #tally = new RegretTally();
  /** Delegations counted. */
  rows = 0;

  /**
   * A tally reading the run's tables from `source`.
   *
   * @param source Where the run's tables are: the engine (read at every delegation, since a
   * reset with another seed replaces synthetic tables).
   */
  constructor(source: { readonly tables: DelegationTables }) {
    this.#source = source;
  }

  /**
   * Counts one delegation: its provider's name and 1-based id, its time step and the
   * provider utility it earned (`llm`: served by an LLM seat).
   *
   * @throws {RangeError} For an unknown provider id or a payoff that is not finite.
   */
  add(provider: string, providerId: number, time: number, earned: number, llm = false): void {
    const tables = this.#source.tables;
    const i = providerId - 1;
    if (!(i >= 0 && i < tables.providers.length)) {
      throw new RangeError(`Cannot compute regret: unknown provider id ${providerId}`);
    }
    this.#tally.add(provider, stageBest(tables, i, time % tables.length), earned, llm);
    this.rows++;
  }

  /** Per-provider regret, as `summarizeRegret` gives it (`summary.json`'s `regret`). */
  summary(): Record<string, AgentRegret> {
    return this.#tally.summary();
  }
}

/** Running sums of one user's delegations. */
class Ledger {
  delegations = 0;
  userUtility = 0;
  substitutions = 0;
  n: number[];
  subs: number[];
  pu: number[];
  /** The providers' stage-game regret, summed as the delegations come (O(K), not O(T)). */
  regret = new RegretTally();
  constructor(K: number, readonly T: number, readonly user: UserKind) {
    this.n = new Array(K).fill(0);
    this.subs = new Array(K).fill(0);
    this.pu = new Array(K).fill(0);
  }
  add(tables: DelegationTables, i: number, j: number, t: number, withRegret: boolean): void {
    const p = tables.providers[i];
    const pos = t % tables.length;
    const k = j * tables.length + pos;
    this.delegations++;
    this.userUtility += p.utility[k];
    this.n[i]++;
    this.pu[i] += p.providerUtility[k];
    if (j !== p.bestModel) {
      this.substitutions++;
      this.subs[i]++;
    }
    if (withRegret) this.regret.add(p.name, stageBest(tables, i, pos), p.providerUtility[k]);
  }
  outcome(best: number): WorldOutcome {
    return {
      user: this.user,
      T: this.T,
      delegations: this.delegations,
      user_utility: this.userUtility,
      user_utility_per_task: this.userUtility / this.T,
      substitutions: this.substitutions,
      substitution_share: this.delegations > 0 ? this.substitutions / this.delegations : 0,
      best_provider: best,
      provider_delegations: this.n,
      provider_substitutions: this.subs,
      provider_utility: this.pu,
    };
  }
}

/** A provider's view in a counterfactual world (the stream is that world's). */
function viewOf(tables: DelegationTables, i: number, stream: RunStream): StrategyView {
  const t = tables.providers[i];
  return {
    obs: undefined as unknown as DelegationObs,
    provider: t.name,
    models: t.models,
    best: t.models[t.bestModel],
    cheapest: t.models[t.cheapestModel],
    stream,
  };
}

/** Plays `fn` for provider `i` with `obs`; returns the model index served. */
function serve(
  tables: DelegationTables,
  i: number,
  fn: Strategy,
  view: StrategyView,
  obs: DelegationObs,
): number {
  view.obs = obs;
  const model = fn(view);
  const j = tables.providers[i].models.indexOf(model);
  if (j < 0) {
    throw new TypeError(
      `Cannot play counterfactual: strategy of '${view.provider}' served '${model}', not one of its models`,
    );
  }
  return j;
}

/** The observation of a provider the user relies on without audit (no second-best promise). */
function committedObs(
  t: number,
  T: number,
  planned: number,
  reward: number,
  n: number,
): DelegationObs {
  return {
    t,
    T,
    phase: 2,
    bonus: false,
    planned,
    secondBestUtility: 0,
    cumulativeReward: reward,
    delegations: n,
    isBest: true,
  };
}

/**
 * Plays the no-mechanism user (explore-then-commit, see the module doc) on the seed's
 * tables with a fresh stream seeded alike, so exploration and the best provider equal the
 * mechanism's.
 *
 * @param options Config, records, seed, strategies.
 * @returns The user's outcome and the providers' stage-game regret.
 * @throws {TypeError} In live mode.
 */
export function playNoMechanism(
  options: WorldOptions,
): WorldOutcome & { regret: Record<string, AgentRegret> } {
  const { config, seed } = options;
  checkMode(config, "the no-mechanism user");
  const fns = strategiesOf(config, options.strategies);
  const engine = seededEngine(options);
  return noMechanismOn(engine.tables, config, engine.B, seed, fns);
}

function noMechanismOn(
  tables: DelegationTables,
  config: DelegationConfig,
  B: number,
  seed: number,
  fns: Strategy[],
): WorldOutcome & { regret: Record<string, AgentRegret> } {
  const K = fns.length, T = config.T;
  const stream = createStream(config.rng, seed);
  const views = fns.map((_, i) => viewOf(tables, i, stream));
  const ledger = new Ledger(K, T, "no_mechanism");
  const reward = new Array(K).fill(0);
  const utility = new Array(K).fill(0);
  const L = tables.length;
  let t = 0;
  const play = (i: number, obs: DelegationObs) => {
    const j = serve(tables, i, fns[i], views[i], obs);
    const k = j * L + (t % L);
    reward[i] += tables.providers[i].reward[k];
    utility[i] += tables.providers[i].utility[k];
    ledger.add(tables, i, j, t, true);
    t++;
  };
  for (let i = 0; i < K; i++) {
    for (let b = 0; b < B && t < T; b++) {
      play(i, {
        t,
        T,
        phase: 1,
        bonus: false,
        planned: 0,
        secondBestUtility: 0,
        cumulativeReward: reward[i],
        delegations: ledger.n[i],
        isBest: false,
      });
    }
  }
  const means = utility.map((u, i) => (ledger.n[i] > 0 ? u / ledger.n[i] : 0));
  const best = stream.choice(bestCandidates(means));
  const planned = T - t;
  while (t < T) play(best, committedObs(t, T, planned, reward[best], ledger.n[best]));
  return { ...ledger.outcome(best), regret: ledger.regret.summary() };
}

/**
 * Plays the oracle user (see the module doc): each provider relied on alone for all `T`
 * tasks under its own strategy (a fresh stream seeded alike per provider), then the best
 * total is the oracle's.
 *
 * @param options Config, records, seed, strategies.
 * @returns The oracle's outcome (the winning provider's world) and every provider's totals.
 * @throws {TypeError} In live mode.
 */
export function playOracle(options: WorldOptions): OracleOutcome {
  const { config, seed } = options;
  checkMode(config, "the oracle user");
  const fns = strategiesOf(config, options.strategies);
  const engine = seededEngine(options);
  return oracleOn(engine.tables, config, seed, fns);
}

function oracleOn(
  tables: DelegationTables,
  config: DelegationConfig,
  seed: number,
  fns: Strategy[],
): OracleOutcome {
  const K = fns.length, T = config.T, L = tables.length;
  const served: number[] = [];
  const honest: number[] = [];
  const worlds: WorldOutcome[] = [];
  for (let i = 0; i < K; i++) {
    const stream = createStream(config.rng, seed);
    const view = viewOf(tables, i, stream);
    const ledger = new Ledger(K, T, "oracle");
    const p = tables.providers[i];
    let reward = 0, paid = 0;
    for (let t = 0; t < T; t++) {
      const j = serve(tables, i, fns[i], view, committedObs(t, T, T, reward, t));
      reward += p.reward[j * L + (t % L)];
      paid += p.utility[p.bestModel * L + (t % L)];
      ledger.add(tables, i, j, t, false);
    }
    served.push(ledger.userUtility);
    honest.push(paid);
    worlds.push(ledger.outcome(i));
  }
  const argmax = (xs: number[]) => xs.reduce((b, x, i) => (x > xs[b] ? i : b), 0);
  const best = argmax(served);
  const honestBest = argmax(honest);
  return {
    ...worlds[best],
    served_user_utility: served,
    honest_user_utility: honest,
    honest_best_provider: honestBest,
    honest_best_utility: honest[honestBest],
  };
}

/**
 * Plays the mechanism step by step (the same engine and strategies as a run) and records
 * what the summary alone does not: the audit's timing and the providers' stage-game regret.
 *
 * @param options Config, records, seed, strategies.
 * @returns The mechanism user's outcome.
 * @throws {TypeError} In live mode.
 */
export function playMechanism(options: WorldOptions): MechanismOutcome {
  const { config, seed } = options;
  checkMode(config, "the mechanism");
  const fns = strategiesOf(config, options.strategies);
  const engine = new DelegationEngine(config, { records: options.records });
  return mechanismOn(engine, config, seed, fns);
}

/**
 * Whether the best provider's strategy, continued after an early stop on the observations
 * the mechanism would have given it (phase 2, its `planned` and second-best utility, its own
 * cumulative reward) for the rest of the planned exploitation, would serve a model other
 * than its best. Played on a fresh stream seeded alike (the run's stream is not touched).
 */
function wouldSubstitute(
  tables: DelegationTables,
  ex: { best: number; planned: number; secondBestUtility: number },
  from: number,
  T: number,
  exploited: number,
  cumulative: { reward: number; n: number },
  fn: Strategy,
  config: DelegationConfig,
  seed: number,
): boolean {
  const i = ex.best, p = tables.providers[i], L = tables.length;
  const view = viewOf(tables, i, createStream(config.rng, seed));
  let reward = cumulative.reward, n = cumulative.n;
  for (let t = from, k = exploited; k < ex.planned && t < T; t++, k++) {
    const obs: DelegationObs = {
      t,
      T,
      phase: 2,
      bonus: false,
      planned: ex.planned,
      secondBestUtility: ex.secondBestUtility,
      cumulativeReward: reward,
      delegations: n,
      isBest: true,
    };
    const j = serve(tables, i, fn, view, obs);
    if (j !== p.bestModel) return true;
    reward += p.reward[j * L + (t % L)];
    n++;
  }
  return false;
}

/** What the step-by-step pass records of the audit: first substitution, exploitation, stop. */
interface AuditTrace {
  firstSub: number | null;
  exploited: number;
  stopTime: number | null;
  atStop: { reward: number; n: number };
}

/** Plays the run on `engine` through `ledger`; returns the audit's timing. */
function traceMechanism(
  engine: DelegationEngine,
  seed: number,
  fns: Strategy[],
  ledger: Ledger,
): AuditTrace {
  const names = engine.agents;
  let obs: Record<AgentId, DelegationObs> = engine.reset({ seed }).observations;
  const tables = engine.tables;
  const views = names.map((_, i) => viewOf(tables, i, engine.stream));
  const trace: AuditTrace = {
    firstSub: null,
    exploited: 0,
    stopTime: null,
    atStop: { reward: 0, n: 0 },
  };
  const rewards = new Array(names.length).fill(0);
  const actions: Record<AgentId, string> = {};
  while (!engine.isDone()) {
    const i = engine.actor;
    views[i].obs = obs[names[i]];
    actions[names[i]] = fns[i](views[i]);
    const step = engine.step(actions);
    delete actions[names[i]];
    obs = step.observations;
    const d = step.infos[names[i]].delegation!;
    const j = tables.providers[i].models.indexOf(d.model);
    ledger.add(tables, i, j, d.time, true);
    rewards[i] += d.reward;
    if (d.phase === 2 && !d.bonus) {
      trace.exploited++;
      if (j !== tables.providers[i].bestModel && trace.firstSub === null) trace.firstSub = d.time;
    }
    for (const e of step.events) {
      if (e.type !== "early_stop") continue;
      trace.stopTime = Number(e.time);
      trace.atStop = { reward: rewards[i], n: ledger.n[i] };
    }
  }
  return trace;
}

function mechanismOn(
  engine: DelegationEngine,
  config: DelegationConfig,
  seed: number,
  fns: Strategy[],
): MechanismOutcome {
  const ledger = new Ledger(engine.agents.length, engine.T, "mechanism");
  const { firstSub, exploited, stopTime, atStop } = traceMechanism(engine, seed, fns, ledger);
  const tables = engine.tables;
  const ex = engine.getState().exploration!;
  const substituted = firstSub !== null;
  const stopped = stopTime !== null;
  const preempted = stopped && !substituted &&
    wouldSubstitute(
      tables,
      ex,
      stopTime! + 1,
      engine.T,
      exploited,
      atStop,
      fns[ex.best],
      config,
      seed,
    );
  return {
    ...ledger.outcome(ex.best),
    regret: ledger.regret.summary(),
    detection: {
      best_provider: ex.best,
      tested: ex.planned >= engine.B,
      substituted,
      stopped,
      preempted,
      detected: substituted && stopped,
      false_stop: stopped && !substituted && !preempted,
      first_substitution: firstSub,
      stop_time: stopTime,
      delay: substituted && stopped ? stopTime! - firstSub! : null,
    },
  };
}

/**
 * The figures comparing the users of one seed.
 *
 * @param mechanism The mechanism user's outcome.
 * @param noMechanism The no-mechanism user's.
 * @param oracle The oracle's.
 * @returns Honesty gain, user-utility gain and regrets (see {@linkcode WorldContrast}).
 *
 * @example
 * ```ts
 * import { contrastWorlds } from "./counterfactual.ts";
 * const base = { T: 10, delegations: 10, user_utility: 20, substitution_share: 0.5 };
 * const c = contrastWorlds({ ...base, substitution_share: 0.1 }, base, {
 *   ...base, user_utility: 30, honest_best_utility: 40 });
 * console.log(c.honesty_gain, c.user_regret, c.paid_for_regret); // 0.4 10 20
 * ```
 */
export function contrastWorlds(
  mechanism: Pick<WorldOutcome, "T" | "user_utility" | "substitution_share">,
  noMechanism: Pick<WorldOutcome, "T" | "user_utility" | "substitution_share">,
  oracle: Pick<OracleOutcome, "T" | "user_utility" | "honest_best_utility">,
): WorldContrast {
  const T = mechanism.T;
  if (noMechanism.T !== T || oracle.T !== T) {
    throw new RangeError(
      `Cannot contrast worlds: horizons differ (${T}, ${noMechanism.T}, ${oracle.T})`,
    );
  }
  const userRegret = oracle.user_utility - mechanism.user_utility;
  const baseRegret = oracle.user_utility - noMechanism.user_utility;
  const paid = oracle.honest_best_utility - mechanism.user_utility;
  return {
    honesty_gain: noMechanism.substitution_share - mechanism.substitution_share,
    user_utility_gain_per_task: (mechanism.user_utility - noMechanism.user_utility) / T,
    user_regret: userRegret,
    user_regret_per_task: userRegret / T,
    no_mechanism_regret: baseRegret,
    no_mechanism_regret_per_task: baseRegret / T,
    paid_for_regret: paid,
    paid_for_regret_per_task: paid / T,
  };
}

/**
 * Plays the three users on one seed (mechanism, no-mechanism, oracle) and contrasts them.
 *
 * @param options Config, records, seed, strategies.
 * @returns The three outcomes and their contrast.
 * @throws {TypeError} In live mode.
 */
export function compareWorlds(options: WorldOptions): WorldComparison {
  const { config, seed } = options;
  checkMode(config, "the counterfactual users");
  const fns = strategiesOf(config, options.strategies);
  const engine = new DelegationEngine(config, { records: options.records });
  const mechanism = mechanismOn(engine, config, seed, fns);
  const no_mechanism = noMechanismOn(engine.tables, config, engine.B, seed, fns);
  const oracle = oracleOn(engine.tables, config, seed, fns);
  return {
    seed,
    mechanism,
    no_mechanism,
    oracle,
    contrast: contrastWorlds(mechanism, no_mechanism, oracle),
  };
}

/** Which counterfactual each figure of {@linkcode RunCounterfactual} is against. */
export const COUNTERFACTUAL_AGAINST: Readonly<Record<string, string>> = Object.freeze({
  no_mechanism:
    "no-mechanism user: the mechanism's exploration, then every remaining task to its best provider; no audit, no early stop, no second-best promise",
  oracle:
    "best fixed provider: every task to the provider whose own strategy, relied on without audit, gives the user the most (no-mechanism observations, so not an upper bound on the mechanism: the gap to it can be negative)",
  paid_for:
    "paid-for benchmark: every task to the provider whose best model (what all providers bill for) gives the user the most",
  provider_regret:
    "providers' stage-game regret: per delegation, the best model choice for that task alone (eta * price - cost) minus what was earned; not an equilibrium test",
});

/** The counterfactual block of a run's `summary.json`. */
export interface RunCounterfactual {
  /** What each figure is against ({@linkcode COUNTERFACTUAL_AGAINST}). */
  against: Readonly<Record<string, string>>;
  /** The run's own user (the mechanism). */
  mechanism: { user_utility: number; user_utility_per_task: number; substitution_share: number };
  /** The no-mechanism user on the same seed. */
  no_mechanism: {
    delegations: number;
    user_utility: number;
    user_utility_per_task: number;
    substitution_share: number;
    best_provider_id: number;
    /** Providers' stage-game regret under this user (keyed by provider name). */
    provider_regret: Record<string, AgentRegret>;
  };
  /** The oracle user on the same seed. */
  oracle: {
    provider_id: number;
    user_utility: number;
    user_utility_per_task: number;
    served_user_utility: Record<string, number>;
    honest_provider_id: number;
    honest_user_utility: number;
  };
  /** Honesty gain, user-utility gain and regrets. */
  contrast: WorldContrast;
}

/** The no-mechanism user and the oracle of one seed (what a run is compared with). */
export interface CounterfactualWorlds {
  /** The no-mechanism user, with the providers' stage-game regret under it. */
  noMechanism: WorldOutcome & { regret: Record<string, AgentRegret> };
  /** The oracle user. */
  oracle: OracleOutcome;
}

/**
 * Plays the no-mechanism user and the oracle on one seed: the users a run's counterfactual
 * block compares the mechanism with ({@linkcode runCounterfactual} plays them itself unless
 * given them; `counterfactual_worker.ts` plays them on another thread).
 *
 * @param options Config, records, seed, strategies.
 * @returns Both users' outcomes.
 * @throws {TypeError} In live mode and under dynamic pricing.
 */
export function counterfactualWorlds(options: WorldOptions): CounterfactualWorlds {
  const { config, seed } = options;
  checkMode(config, "the counterfactual users");
  const fns = strategiesOf(config, options.strategies);
  return worldsOn(seededEngine(options).tables, config, seed, fns);
}

function worldsOn(
  tables: DelegationTables,
  config: DelegationConfig,
  seed: number,
  fns: Strategy[],
): CounterfactualWorlds {
  const B = explorationBlock(config.T, config.epsilon);
  return {
    noMechanism: noMechanismOn(tables, config, B, seed, fns),
    oracle: oracleOn(tables, config, seed, fns),
  };
}

/**
 * The counterfactual block of one finished run: the no-mechanism user and the oracle on
 * the run's seed and tables, against the run's own totals.
 *
 * @param options Config, seed, the providers' strategies, and the run's own figures.
 * @returns The block.
 * @throws {TypeError} In live mode.
 */
export function runCounterfactual(options: {
  config: DelegationConfig;
  tables: DelegationTables;
  seed: number;
  strategies: readonly (string | Strategy)[];
  mechanism: { user_utility: number; substitution_share: number };
  /** The two users, already played (e.g. off the main thread): not played again. */
  worlds?: CounterfactualWorlds;
}): RunCounterfactual {
  const { config, tables, seed } = options;
  checkMode(config, "the counterfactual users");
  const { noMechanism: base, oracle } = options.worlds ??
    worldsOn(tables, config, seed, strategiesOf(config, options.strategies));
  const T = config.T;
  const mechanism = {
    T,
    user_utility: options.mechanism.user_utility,
    user_utility_per_task: options.mechanism.user_utility / T,
    substitution_share: options.mechanism.substitution_share,
  };
  const id = (i: number) => String(i + 1);
  return {
    against: COUNTERFACTUAL_AGAINST,
    mechanism: {
      user_utility: mechanism.user_utility,
      user_utility_per_task: mechanism.user_utility_per_task,
      substitution_share: mechanism.substitution_share,
    },
    no_mechanism: {
      delegations: base.delegations,
      user_utility: base.user_utility,
      user_utility_per_task: base.user_utility_per_task,
      substitution_share: base.substitution_share,
      best_provider_id: base.best_provider + 1,
      provider_regret: base.regret,
    },
    oracle: {
      provider_id: oracle.best_provider + 1,
      user_utility: oracle.user_utility,
      user_utility_per_task: oracle.user_utility_per_task,
      served_user_utility: Object.fromEntries(oracle.served_user_utility.map((u, i) => [id(i), u])),
      honest_provider_id: oracle.honest_best_provider + 1,
      honest_user_utility: oracle.honest_best_utility,
    },
    contrast: contrastWorlds(mechanism, base, oracle),
  };
}
