/**
 * The one reading of `--seeds`: an inclusive range `A..B` (or one seed `A`), and for
 * commands that take arbitrary seeds also a list `a,b,c`. Every command that takes seeds
 * (run, sweep, study, profile, the delegation study) parses them here, with one limit.
 *
 * @example
 * ```ts
 * import { parseSeedList, parseSeeds } from "./seeds.ts";
 * console.log(parseSeeds("0..4")); // [0, 4]
 * console.log(parseSeedList("3,1,2")); // [3, 1, 2]
 * ```
 * @module
 */
import { ConfigError } from "./config.ts";

/** Seeds are 32-bit: larger ones would alias smaller ones. */
export const MAX_SEED = 0xffffffff;
/** The most seeds one `--seeds A..B` range takes (a sweep, a study or a profile). */
export const MAX_SEEDS = 100_000;

/**
 * `--seeds A..B` (or one seed, `A`): an inclusive range of at most {@linkcode MAX_SEEDS}
 * seeds, each at most {@linkcode MAX_SEED}.
 *
 * @param value The flag's value.
 * @param flag The flag named in errors. @default {"seeds"}
 * @returns The first and last seed.
 * @throws {ConfigError} Naming the flag.
 *
 * @example
 * ```ts
 * import { parseSeeds } from "./seeds.ts";
 * console.log(parseSeeds("7")); // [7, 7]
 * ```
 */
export function parseSeeds(value: string, flag = "seeds"): [number, number] {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(value.trim());
  if (!m) throw new ConfigError(`--${flag}: expected A..B (e.g. 0..4), got '${value}'`);
  const r: [number, number] = [Number(m[1]), Number(m[2] ?? m[1])];
  if (r[1] < r[0]) throw new ConfigError(`--${flag}: ${r[0]}..${r[1]} is empty`);
  if (r[1] > MAX_SEED) throw new ConfigError(`--${flag}: seeds must be at most ${MAX_SEED}`);
  if (r[1] - r[0] >= MAX_SEEDS) throw new ConfigError(`--${flag}: at most ${MAX_SEEDS} seeds`);
  return r;
}

/**
 * `--seeds A..B` as every seed of the range, or a list `a,b,c` (each at most
 * {@linkcode MAX_SEED}, at most {@linkcode MAX_SEEDS} of them).
 *
 * @param value The flag's value.
 * @param flag The flag named in errors. @default {"seeds"}
 * @returns The seeds, in the order given.
 * @throws {ConfigError} Naming the flag.
 *
 * @example
 * ```ts
 * import { parseSeedList } from "./seeds.ts";
 * console.log(parseSeedList("2..4")); // [2, 3, 4]
 * ```
 */
export function parseSeedList(value: string, flag = "seeds"): number[] {
  if (!value.includes(",")) {
    const [a, b] = parseSeeds(value, flag);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  const seeds = value.split(",").map((s) => parseSeeds(s, flag)[0]);
  if (seeds.length > MAX_SEEDS) throw new ConfigError(`--${flag}: at most ${MAX_SEEDS} seeds`);
  return seeds;
}
