import { engineConformance } from "../../../lib/core/conformance.ts";
import { parseBlockchainConfig } from "../../../lib/engines/blockchain/config.ts";
import { BlockchainEngine } from "../../../lib/engines/blockchain/engine.ts";

Deno.test("blockchain conformance", (t) =>
  engineConformance(t, {
    make: () => new BlockchainEngine(parseBlockchainConfig({ rounds: 20, kappa: 0.3 })),
    // mostly valid simplex points, sometimes the odd replies the normaliser must absorb
    randomAction: (_agent, rng) =>
      rng.chance(0.15)
        ? rng.pick([[-1, 2, 0], [0, 0, 0], [Number.NaN, 1, 1], [1, 2], [5, 5, 5]])
        : rng.dirichlet([1, 1, 1]),
  }));
