/**
 * The commands of `deno task run <name> [flags]` that are not a single run: the engines'
 * own (from the registry) and the generic ones, `profile` and `study`. Kept apart from the
 * registry so the commands, which look experiments up in it, form no import cycle with it.
 *
 * @module
 */
import type { Command } from "../run/experiment.ts";
import { fetchReferenceCommand } from "./fetch_reference.ts";
import { profileCommand } from "./profile.ts";
import { ENGINE_COMMANDS } from "./registry.ts";
import { studyCommand } from "./study.ts";

/** Every command, by name: `deno task run <name> [flags]`. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  ...ENGINE_COMMANDS,
  "fetch-reference": fetchReferenceCommand,
  profile: profileCommand,
  study: studyCommand,
};
