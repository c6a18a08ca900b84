/**
 * Readers of a run or sweep directory (`deno task report`, `deno task export`) and the
 * processes writing it: a directory whose lock a live process holds (on this host, or on
 * another host of a shared file system while its heartbeat goes on) is refused unless the
 * reader asks for a partial result (`--partial`).
 *
 * @module
 */
import { ConfigError } from "../core/config.ts";
import { dirWriters } from "../run/sweep.ts";

/** A run or sweep directory that a live process is writing (refused without `--partial`). */
export class BeingWrittenError extends ConfigError {
  override name = "BeingWrittenError";
}

/**
 * Refuses a directory being written, unless partial results are asked for.
 *
 * @returns The writers' descriptions (empty when nobody writes the directory).
 * @throws {BeingWrittenError} When it is being written and `partial` is `false`.
 */
export async function checkWriters(dir: string, partial: boolean | undefined): Promise<string[]> {
  const writers = await dirWriters(dir);
  if (writers.length && partial === false) {
    throw new BeingWrittenError(
      `${dir}: being written by ${writers.join("; ")}; wait for it to end, or pass --partial`,
    );
  }
  return writers;
}
