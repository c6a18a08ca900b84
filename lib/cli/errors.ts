/**
 * How every CLI command ends on an error: one line on stderr (`error: ...`, secrets
 * redacted), exit 2 for a bad flag, value or file ({@linkcode ConfigError}), else exit 1
 * (with the stack and causes under `LAB_DEBUG=1`).
 *
 * @module
 */
import { ConfigError } from "../core/config.ts";
import { redactSecrets } from "../core/redact.ts";
import { EXIT_FAILED, EXIT_USAGE } from "./exit_codes.ts";

/**
 * Prints a command's error as one line and returns its exit code.
 *
 * @param e The error caught.
 * @param usage Further error classes that mean bad input (exit 2).
 * @returns {@linkcode EXIT_USAGE} or {@linkcode EXIT_FAILED}.
 */
export function commandFailed(
  e: unknown,
  usage: readonly (abstract new (...args: never[]) => Error)[] = [],
): number {
  const message = redactSecrets((e as Error)?.message ?? String(e));
  console.error(`error: ${message}`);
  if (e instanceof ConfigError || usage.some((c) => e instanceof c)) return EXIT_USAGE;
  if (Deno.env.get("LAB_DEBUG")) debugTrace(e);
  return EXIT_FAILED;
}

/** The stack and every cause (the SDK's error included), each through the redaction. */
export function debugTrace(e: unknown): void {
  console.error(redactSecrets((e as Error)?.stack ?? String(e)));
  let cause = (e as Error)?.cause;
  for (let depth = 0; cause !== undefined && depth < 8; depth++) {
    const text = cause instanceof Error ? cause.stack ?? cause.message : String(cause);
    console.error(redactSecrets(`cause: ${text}`));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
}
