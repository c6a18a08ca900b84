/**
 * CPython's `random` module bit for bit (MT19937 seeded by `init_by_array`), and the one
 * small interface every "run's RNG" of the delegation engine implements
 * ({@linkcode RunStream}), with two implementations: {@linkcode PythonRandom} (to reproduce
 * the paper's published numbers) and {@linkcode ToolkitStream} over the toolkit's
 * {@linkcode Rng} (the default).
 *
 * @example
 * ```ts
 * import { PythonRandom } from "./python_random.ts";
 * const r = new PythonRandom(42);
 * console.log(r.random()); // 0.6394267984578837
 * console.log(r.choice(["a", "b", "c"])); // "a"
 * ```
 * @module
 */
import { Rng, type RngState } from "../../core/rng.ts";

const N = 624;
const M = 397;

/** Which generator serves the run's draws: the toolkit's own, or CPython's `random`. */
export type StreamKind = "toolkit" | "python";

/**
 * The serialisable state of a {@linkcode PythonRandom}: the 624 words and the index, or (a
 * few bytes instead of 12 KB in every checkpoint) the seed, how many times the words were
 * regenerated since seeding, and the index.
 */
export type PythonRandomState = PythonRandomWords | PythonRandomPosition;

/** A {@linkcode PythonRandomState} as the Mersenne Twister's words. */
export interface PythonRandomWords {
  /** Which stream this state is for. */
  kind: "python";
  /** The Mersenne Twister's 624 state words. */
  mt: number[];
  /** The position of the next word to temper (624 or more: regenerate the words first). */
  index: number;
}

/** A {@linkcode PythonRandomState} as a position in the stream of a seed. */
export interface PythonRandomPosition {
  /** Which stream this state is for. */
  kind: "python";
  /** The seed, as `random.seed(seed)`. */
  seed: number;
  /** How many times the 624 words were regenerated since seeding. */
  twists: number;
  /** The position of the next word to temper (624 or more: regenerate the words first). */
  index: number;
}

/**
 * The most regenerations a position state replays on restore (about 62 million draws, a few
 * tenths of a second); a stream further along saves its words instead.
 */
export const MAX_REPLAYED_TWISTS = 100_000;

/** The serialisable state of a {@linkcode ToolkitStream}. */
export interface ToolkitStreamState {
  /** Which stream this state is for. */
  kind: "toolkit";
  /** The toolkit generator's state. */
  rng: RngState;
}

/** The state of either stream. */
export type RunStreamState = PythonRandomState | ToolkitStreamState;

/**
 * The run's random stream as the delegation mechanism uses it: uniform floats in [0, 1)
 * and uniform integers below `n`. State is plain JSON.
 */
export interface RunStream {
  /** Which generator this is. */
  readonly kind: StreamKind;
  /** A float in [0, 1). */
  random(): number;
  /** An integer in [0, n), `n >= 1`. */
  randbelow(n: number): number;
  /** One element of a non-empty sequence, `seq[randbelow(seq.length)]`. */
  choice<T>(seq: readonly T[]): T;
  /** The state as plain data. */
  getState(): RunStreamState;
  /** Restores {@linkcode getState} (of the same kind). */
  setState(state: RunStreamState): void;
}

/** The 32-bit words of a non-negative integer, least significant first; `[0]` for 0. */
export function seedWords(seed: number): number[] {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`Cannot seed PythonRandom: 'seed' must be a safe integer, got ${seed}`);
  }
  let s = Math.abs(seed); // CPython seeds with abs(n)
  if (s === 0) return [0];
  const words: number[] = [];
  while (s > 0) {
    words.push(s % 4294967296);
    s = Math.floor(s / 4294967296);
  }
  return words;
}

/**
 * CPython's `random.Random`: `seed(s)` for an integer `s`, `random()`, `getrandbits(k)` for
 * `k <= 32`, `randbelow(n)` and `choice(seq)`, bit for bit.
 *
 * @example
 * ```ts
 * import { PythonRandom } from "./python_random.ts";
 * const r = new PythonRandom(7);
 * console.log(r.getrandbits(32)); // 1390851128
 * ```
 */
export class PythonRandom implements RunStream {
  /** Always `"python"`. */
  readonly kind = "python" as const;
  #mt = new Uint32Array(N);
  #index = N + 1;
  /** The seed the words come from, `null` once restored from bare words. */
  #seed: number | null = null;
  /** Regenerations of the words since seeding. */
  #twists = 0;

  /**
   * Seeds the generator as CPython's `random.Random(seed)`.
   *
   * @param seed A non-negative safe integer, as `random.seed(seed)`.
   */
  constructor(seed: number) {
    this.seed(seed);
  }

  /** Re-seeds as `random.seed(seed)`: `init_by_array` with the seed's 32-bit words. */
  seed(seed: number): void {
    this.#initByArray(seedWords(seed));
    this.#seed = seed;
    this.#twists = 0;
  }

  #initGenrand(s: number): void {
    const mt = this.#mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.#index = N;
  }

  #initByArray(key: readonly number[]): void {
    const mt = this.#mt;
    this.#initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) >>> 0) + key[j] + j >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) >>> 0) - i >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.#index = N;
  }

  #twist(): void {
    const mt = this.#mt;
    let kk = 0;
    for (; kk < N - M; kk++) {
      const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
      mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    for (; kk < N - 1; kk++) {
      const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
      mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    const y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    this.#index = 0;
    this.#twists++;
  }

  /** One 32-bit output (`genrand_uint32`). */
  nextUint32(): number {
    if (this.#index >= N) this.#twist();
    let y = this.#mt[this.#index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random.random()`: 53 bits from two outputs. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `random.getrandbits(k)` for `0 <= k <= 32`: one output shifted right by `32 - k`. */
  getrandbits(k: number): number {
    if (!Number.isInteger(k) || k < 0 || k > 32) {
      throw new RangeError(`Cannot draw bits: 'k' must be an integer in [0, 32], got ${k}`);
    }
    if (k === 0) return 0;
    return this.nextUint32() >>> (32 - k);
  }

  /** `random._randbelow(n)`: `getrandbits(bit_length(n))` until the value is below `n`. */
  randbelow(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967295) {
      throw new RangeError(`Cannot draw below n: 'n' must be an integer in [1, 2^32), got ${n}`);
    }
    const k = 32 - Math.clz32(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** `random.choice(seq)`: `seq[randbelow(len(seq))]` (a one-element list still draws). */
  choice<T>(seq: readonly T[]): T {
    if (seq.length === 0) throw new RangeError("Cannot choose: the sequence is empty");
    return seq[this.randbelow(seq.length)];
  }

  /** The state: the seed and position while few regenerations deep, else the words. */
  getState(): PythonRandomState {
    if (this.#seed !== null && this.#twists <= MAX_REPLAYED_TWISTS) {
      return { kind: "python", seed: this.#seed, twists: this.#twists, index: this.#index };
    }
    return { kind: "python", mt: Array.from(this.#mt), index: this.#index };
  }

  /** Restores {@linkcode getState}: either form. */
  setState(state: RunStreamState): void {
    if (state.kind !== "python") {
      throw new TypeError("Cannot restore PythonRandom: not a python stream state");
    }
    if (!Number.isInteger(state.index) || state.index < 0 || state.index > N + 1) {
      throw new TypeError(`Cannot restore PythonRandom: bad index ${state.index}`);
    }
    if ("mt" in state) {
      if (state.mt.length !== N) {
        throw new TypeError("Cannot restore PythonRandom: not a python stream state");
      }
      this.#mt.set(state.mt);
      this.#seed = null;
      this.#twists = 0;
    } else {
      const { seed, twists } = state;
      if (!Number.isInteger(twists) || twists < 0 || twists > MAX_REPLAYED_TWISTS) {
        throw new TypeError(`Cannot restore PythonRandom: bad twists ${twists}`);
      }
      this.seed(seed);
      for (let i = 0; i < twists; i++) this.#twist();
    }
    this.#index = state.index;
  }
}

/**
 * The toolkit's {@linkcode Rng} behind the {@linkcode RunStream} interface: `random()` is
 * `rng.next()`, `randbelow(n)` is `rng.int(0, n - 1)`.
 *
 * @example
 * ```ts
 * import { ToolkitStream } from "./python_random.ts";
 * const s = new ToolkitStream(1);
 * const x = s.randbelow(3);
 * console.log(x >= 0 && x < 3); // true
 * ```
 */
export class ToolkitStream implements RunStream {
  /** Always `"toolkit"`. */
  readonly kind = "toolkit" as const;
  #rng: Rng;

  /**
   * Seeds the toolkit's {@linkcode Rng} with `seed`.
   *
   * @param seed Any safe integer.
   */
  constructor(seed: number) {
    this.#rng = new Rng(seed);
  }

  random(): number {
    return this.#rng.next();
  }

  randbelow(n: number): number {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`Cannot draw below n: 'n' must be a positive integer, got ${n}`);
    }
    return this.#rng.int(0, n - 1);
  }

  choice<T>(seq: readonly T[]): T {
    if (seq.length === 0) throw new RangeError("Cannot choose: the sequence is empty");
    return seq[this.randbelow(seq.length)];
  }

  getState(): ToolkitStreamState {
    return { kind: "toolkit", rng: this.#rng.getState() };
  }

  setState(state: RunStreamState): void {
    if (state.kind !== "toolkit") {
      throw new TypeError("Cannot restore ToolkitStream: not a toolkit stream state");
    }
    this.#rng = Rng.fromState(state.rng);
  }
}

/**
 * The run's stream of the given kind, seeded with `seed`.
 *
 * @example
 * ```ts
 * import { createStream } from "./python_random.ts";
 * console.log(createStream("python", 42).random()); // 0.6394267984578837
 * ```
 */
export function createStream(kind: StreamKind, seed: number): RunStream {
  if (kind === "python") return new PythonRandom(seed);
  if (kind === "toolkit") return new ToolkitStream(seed);
  throw new TypeError(`Cannot create stream: 'kind' must be "toolkit" or "python", got ${kind}`);
}

/** A stream restored from its state (the kind is taken from the state). */
export function streamFromState(state: RunStreamState): RunStream {
  const s = createStream(state.kind, 0);
  s.setState(state);
  return s;
}
