import { engineConformance } from "../../../lib/core/conformance.ts";
import { parseDelegationConfig } from "../../../lib/engines/delegation/config.ts";
import { DelegationEngine } from "../../../lib/engines/delegation/engine.ts";

const config = parseDelegationConfig({ T: 300, epsilon: 0.2 });
const models = Object.fromEntries(config.providers.map((p) => [p.name, p.models]));

Deno.test("delegation conformance (toolkit stream)", (t) =>
  engineConformance(t, {
    make: () => new DelegationEngine(config),
    randomAction: (agent, rng) => rng.pick(models[agent]),
  }));

const python = parseDelegationConfig({ T: 120, epsilon: 0.3, rng: "python" });
Deno.test("delegation conformance (python stream, B > planned)", (t) =>
  engineConformance(t, {
    make: () => new DelegationEngine(python),
    randomAction: (agent, rng) => rng.pick(models[agent]),
  }));
