/**
 * Every registered engine passes one suite (tests/support/engine_suite.ts): conformance
 * played by its scripted seats, a checkpoint round trip, stop-at-a-random-step and resume,
 * and a SIGKILLed child (at a step chosen by the suite seed) resumed with `--resume`; all
 * equal to an uninterrupted run. The same function, given a test registry with a fifth
 * engine (tests/support/public_goods.ts), tests that engine too: registering is all a new
 * engine needs. A failure names its suite seed: `LAB_SUITE_SEED=N` replays it.
 */
import { EXPERIMENTS } from "../../lib/cli/registry.ts";
import { engineSuite, suiteSeed } from "../support/engine_suite.ts";
import { EXPERIMENTS as TEST_REGISTRY } from "../support/test_registry.ts";

const seed = suiteSeed();

engineSuite(EXPERIMENTS, {
  label: "registry",
  registryUrl: new URL("../../lib/cli/registry.ts", import.meta.url).href,
  seed,
});

engineSuite(TEST_REGISTRY, {
  label: "test registry",
  registryUrl: new URL("../support/test_registry.ts", import.meta.url).href,
  seed,
});
