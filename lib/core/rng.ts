/**
 * Seeded random numbers that are identical on every platform.
 *
 * One {@linkcode Rng} stream per run; agents and subsystems take derived streams
 * (`rng.derive("agent:alice")`) so that adding draws in one place never shifts another.
 * Built on `pure-rand`'s xoroshiro128+ generator; the state is plain data
 * ({@linkcode Rng.getState}) so runs can be checkpointed and resumed.
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * const rng = new Rng(7);
 * const a = rng.next();
 * const b = new Rng(7).next();
 * if (a !== b) throw new Error("not deterministic");
 * ```
 * @module
 */
import * as prand from "pure-rand";

/** The serialisable state of an {@linkcode Rng}. */
export interface RngState {
  /** The seed the stream was created from (after derivation). */
  seed: number;
  /** The generator's internal words. */
  words: number[];
}

/** FNV-1a over the UTF-16 code units of `text`, mixed with `seed`; a 32-bit unsigned integer. */
export function hashSeed(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // final avalanche (murmur3 fmix32)
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** A seeded, serialisable random stream. */
export class Rng {
  #gen: prand.RandomGenerator;
  /** The seed reduced to 32 bits (unsigned), what the stream was seeded with. */
  readonly seed: number;

  /**
   * A stream seeded with `seed` (xoroshiro128+).
   *
   * @param seed An integer seed (any safe integer; it is reduced to 32 bits).
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Cannot seed Rng: 'seed' must be an integer, got ${seed}`);
    }
    this.seed = seed >>> 0;
    this.#gen = prand.xoroshiro128plus(this.seed);
    // The raw seeding leaves the first outputs poorly mixed; a jump (2^64 steps) mixes them.
    this.#gen.unsafeJump!();
  }

  /** Restores a stream from {@linkcode Rng.getState}. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(state.seed);
    rng.setState(state);
    return rng;
  }

  /** A float in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.#gen.unsafeNext() >>> 5; // 27 bits
    const lo = this.#gen.unsafeNext() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`Cannot draw int: need integers min <= max, got ${min}..${max}`);
    }
    return prand.unsafeUniformIntDistribution(min, max, this.#gen);
  }

  /** A float in [min, max). */
  uniform(min = 0, max = 1): number {
    return min + (max - min) * this.next();
  }

  /** `true` with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("Cannot pick: the array is empty");
    return items[this.int(0, items.length - 1)];
  }

  /** A shuffled copy of `items` (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** A standard normal draw (Box-Muller). */
  normal(mean = 0, sd = 1): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A Gamma(shape, 1) draw (Marsaglia-Tsang), shape > 0. */
  gamma(shape: number): number {
    if (!(shape > 0)) throw new RangeError(`Cannot draw gamma: 'shape' must be > 0, got ${shape}`);
    if (shape < 1) {
      return this.gamma(shape + 1) * Math.pow(this.next() || Number.MIN_VALUE, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x ** 4) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** A Dirichlet(alpha) draw: non-negative numbers that sum to 1. */
  dirichlet(alpha: readonly number[]): number[] {
    const g = alpha.map((a) => this.gamma(a));
    const s = g.reduce((x, y) => x + y, 0);
    return g.map((x) => x / s);
  }

  /** An independent stream for `name`, derived from this stream's seed (not its position). */
  derive(name: string): Rng {
    return new Rng(hashSeed(this.seed, name));
  }

  /** The serialisable state. */
  getState(): RngState {
    return { seed: this.seed, words: [...this.#gen.getState!()] };
  }

  /** Restores the state taken by {@linkcode Rng.getState}. */
  setState(state: RngState): void {
    this.#gen = prand.xoroshiro128plus.fromState(state.words);
  }
}
