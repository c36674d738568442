// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write the literal ${ENV_NAME} syntax of policies
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { PolicyFileError } from "../core/index.js";
import { FORBIDDEN_KEYS } from "./policy-limits.js";
import type { PolicyFile } from "./policy-schema.js";
import { loadPolicy, loadPolicyText } from "./test/with-builtins.js";

type Provider = PolicyFile["providers"][string];
type Target = PolicyFile["targets"][string];
type Route = PolicyFile["routes"][string];

const env = { SWITCHYARD_PROP_A: "sk-prop-aaaaaaaaaaaa", SWITCHYARD_PROP_B: "sk-prop-bbbbbbbbbbbb" };

const name = fc
  .stringMatching(/^[a-z][a-z0-9_-]{0,11}$/)
  .filter((candidate) => !FORBIDDEN_KEYS.has(candidate));
const names = (min: number, max: number) => fc.uniqueArray(name, { minLength: min, maxLength: max });
const secret = fc.constantFrom("${SWITCHYARD_PROP_A}", "${SWITCHYARD_PROP_B}", "sk-literal-cccccccccccc");
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const usd = fc.double({ min: 0, max: 9999, noNaN: true, noDefaultInfinity: true });

const provider: fc.Arbitrary<Provider> = fc.oneof(
  fc.record(
    { type: fc.constant("openai" as const), apiKey: secret, organization: optional(fc.constant("org-1")) },
    { requiredKeys: ["type", "apiKey"] },
  ),
  fc.record({ type: fc.constant("anthropic" as const), apiKey: secret, noTraining: optional(fc.boolean()) }),
  fc.record({ type: fc.constant("replicate" as const), apiToken: secret }),
  fc.record(
    {
      type: fc.constant("openai-compatible" as const),
      baseURL: fc.constantFrom(
        "https://api.together.xyz/v1",
        "http://127.0.0.1:8000/v1",
        "http://[::1]:11434/v1",
      ),
      host: optional(fc.constantFrom("together" as const, "vllm" as const, "ollama" as const)),
      local: optional(fc.boolean()),
      headers: optional(fc.constant({ Authorization: "Bearer ${SWITCHYARD_PROP_A}" })),
    },
    { requiredKeys: ["type", "baseURL"] },
  ),
  fc.record(
    {
      type: fc.constant("local" as const),
      model: fc.constantFrom("./models/tiny.gguf", "/opt/models/m.gguf"),
      gpu: optional(fc.constantFrom("auto" as const, "cpu" as const, "cuda" as const)),
      slots: optional(fc.integer({ min: 1, max: 64 })),
      queueLimit: optional(fc.integer({ min: 0, max: 1000 })),
    },
    { requiredKeys: ["type", "model"] },
  ),
);

const isLocal = (entry: Provider) => entry.type === "local" || entry.local === true;

/** A policy that satisfies the schema and every cross-check, built section by section. */
const validPolicy: fc.Arbitrary<PolicyFile> = fc
  .record({ providerIds: names(1, 4), targetIds: names(1, 5), routeIds: names(1, 4) })
  .chain(({ providerIds, targetIds, routeIds }) =>
    fc
      .record({
        providers: fc.tuple(...providerIds.map(() => provider)),
        targetSpecs: fc.tuple(
          ...targetIds.map(() =>
            fc.record({
              provider: fc.nat(providerIds.length - 1),
              price: fc.record({ input: usd, output: usd }),
              logprobs: optional(fc.integer({ min: 0, max: 20 })),
              weight: optional(fc.double({ min: 0.01, max: 100, noNaN: true })),
              tier: optional(fc.constantFrom("strong" as const, "weak" as const)),
              maxAttempts: optional(fc.integer({ min: 1, max: 10 })),
            }),
          ),
        ),
        routeSpecs: fc.tuple(
          ...routeIds.map(() =>
            fc.record({
              targets: fc.uniqueArray(fc.nat(targetIds.length - 1), {
                minLength: 1,
                maxLength: targetIds.length,
              }),
              strategy: fc.constantFrom(
                "ordered" as const,
                "cheapest" as const,
                "fastest" as const,
                "weighted" as const,
                "quality-threshold" as const,
              ),
              fallback: fc.nat(routeIds.length),
              timeoutMs: optional(fc.integer({ min: 1, max: 3_600_000 })),
              slo: optional(fc.record({ ttftMs: fc.integer({ min: 1, max: 60_000 }) })),
              localOnly: fc.boolean(),
            }),
          ),
        ),
      })
      .map(({ providers, targetSpecs, routeSpecs }) => {
        const providerEntries = Object.fromEntries(
          providerIds.map((id, index) => [id, providers[index] as Provider]),
        );
        // Fields left undefined are absent, as in YAML; the object and YAML loads must agree on that.
        const targets: Record<string, Target> = {};
        targetIds.forEach((id, index) => {
          const spec = targetSpecs[index];
          if (spec === undefined) return;
          const { provider: providerIndex, ...rest } = spec;
          targets[id] = { ...rest, provider: providerIds[providerIndex] ?? "", model: `model-${index}` };
        });
        const targetIsLocal = (id: string) => {
          const entry = providerEntries[targets[id]?.provider ?? ""];
          return entry !== undefined && isLocal(entry);
        };
        const routes: Record<string, Route> = {};
        routeIds.forEach((id, index) => {
          const spec = routeSpecs[index];
          if (spec === undefined) return;
          const routeTargets = spec.targets.map((targetIndex) => targetIds[targetIndex] ?? "");
          const tiers = routeTargets.map((target) => targets[target]?.tier);
          const bothTiers = tiers.includes("strong") && tiers.includes("weak");
          const localOnly = spec.localOnly && routeTargets.every(targetIsLocal);
          routes[id] = {
            targets: routeTargets,
            strategy: spec.strategy === "quality-threshold" && !bothTiers ? "ordered" : spec.strategy,
            // Falling back only to later routes keeps chains acyclic; local-only routes do not fall back.
            fallback: !localOnly && spec.fallback > index ? routeIds[spec.fallback] : undefined,
            privacy: localOnly ? "local-only" : undefined,
            timeoutMs: spec.timeoutMs,
            slo: spec.slo,
          };
        });
        return { version: 1 as const, providers: providerEntries, targets, routes };
      }),
  );

// Hundreds of full loads per property: generous timeouts for a loaded CI machine.
describe("policy loading, property-based", { timeout: 60_000 }, () => {
  it("loads every valid policy from YAML exactly as from the object it was written from", async () => {
    await fc.assert(
      fc.asyncProperty(validPolicy, async (policy) => {
        const fromYaml = loadPolicyText(stringify(policy), { env, baseDir: "/srv" });
        const fromObject = await loadPolicy(policy, { env, baseDir: "/srv" });
        expect(fromYaml).toEqual(fromObject);
        expect(Object.keys(fromYaml.policy.routes)).toEqual(Object.keys(policy.routes));
        for (const [id, route] of Object.entries(policy.routes)) {
          expect(fromYaml.policy.routes[id]?.targets).toEqual(route.targets);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("answers any edit of a valid policy's text with a policy or a PolicyFileError, nothing else", () => {
    const edit = fc.record({
      at: fc.nat(),
      remove: fc.nat(8),
      insert: fc.oneof(
        fc.string({ maxLength: 6 }),
        fc.constantFrom(
          "[",
          "{",
          "&a ",
          "*a",
          "!!js/function ",
          "<<: ",
          "__proto__: 1\n",
          "\n---\n",
          "${X}",
          ": :",
          "\t",
          "'",
          '"',
        ),
      ),
    });
    fc.assert(
      fc.property(validPolicy, fc.array(edit, { minLength: 1, maxLength: 4 }), (policy, edits) => {
        let text = stringify(policy);
        for (const { at, remove, insert } of edits) {
          const position = at % (text.length + 1);
          text = text.slice(0, position) + insert + text.slice(position + remove);
        }
        try {
          loadPolicyText(text, { env, file: "mutated.yaml" });
        } catch (error) {
          expect(PolicyFileError.isInstance(error)).toBe(true);
          for (const issue of (error as PolicyFileError).issues) expect(issue.file).toBe("mutated.yaml");
        }
      }),
      { numRuns: 200 },
    );
  });

  it("rejects every structurally broken policy with a PolicyFileError naming the broken path", async () => {
    type Mutation = readonly [
      label: string,
      mutate: (policy: Record<string, unknown>) => unknown,
      path: string,
    ];
    const breakages: Mutation[] = [
      ["unknown key", (policy) => ({ ...policy, colour: "blue" }), "colour"],
      ["missing section", ({ routes: _, ...policy }) => policy, "routes"],
      ["wrong type", (policy) => ({ ...policy, targets: [1, 2] }), "targets"],
      ["bad version", (policy) => ({ ...policy, version: 2 }), "version"],
      ["unknown default route", (policy) => ({ ...policy, defaultRoute: "zz-nowhere" }), "defaultRoute"],
    ];
    const breakage = fc.constantFrom(...breakages);
    await fc.assert(
      fc.asyncProperty(validPolicy, breakage, async (policy, [, mutate, path]) => {
        const broken = mutate(policy as Record<string, unknown>);
        const error = await loadPolicy(broken as PolicyFile, { env }).catch((caught: unknown) => caught);
        expect(PolicyFileError.isInstance(error)).toBe(true);
        expect((error as PolicyFileError).issues.map((issue) => issue.path)).toContain(path);
      }),
      { numRuns: 100 },
    );
  });
});
