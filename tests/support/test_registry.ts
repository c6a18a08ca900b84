/**
 * A test registry holding one experiment: the test-only fifth engine (`public_goods.ts`).
 * The engine suite is given this list exactly as it is given the CLI's registry.
 *
 * @module
 */
import type { Experiment } from "../../lib/run/experiment.ts";
import { publicGoodsExperiment } from "./public_goods.ts";

/** The experiments of the test registry. */
export const EXPERIMENTS: readonly Experiment[] = [publicGoodsExperiment];
