import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  createRouter,
  type DifficultyScorer,
  type Filter,
  InvalidOptionsError,
  NoEligibleTargetError,
  type PolicyFile,
  type Router,
  type RoutingPolicy,
  type Strategy,
} from "../../index.js";
import { echoFactory } from "./support/echo-provider.js";

const policy = (route: Record<string, unknown> = {}): PolicyFile => ({
  providers: { echo: { type: "echo" } },
  targets: {
    small: { provider: "echo", model: "small", tier: "weak", logprobs: 5 },
    large: { provider: "echo", model: "large", tier: "strong" },
  },
  routes: { default: { targets: ["small", "large"], ...route } },
});

/** Rejects the weak tier: a filter of the user's, next to the built-ins. */
const strongOnly: Filter = {
  kind: "filter",
  name: "strong-only",
  filter: ({ candidates }) =>
    candidates
      .filter((candidate) => candidate.target.tier !== "strong")
      .map((candidate) => ({ target: candidate.target.id, reason: "not strong" })),
};

/** The route's targets in reverse: a strategy of the user's. */
const reverse: Strategy = {
  kind: "strategy",
  name: "reverse",
  rank: ({ candidates }) => [...candidates].reverse(),
};

const ask = (router: Router, extra: Record<string, unknown> = {}) =>
  router.chat({ messages: [{ role: "user", content: "Hello" }], ...extra });

let router: Router | undefined;
afterEach(async () => {
  await router?.close();
  router = undefined;
});

describe("filters and strategies added by name", () => {
  it("applies a user's filter after the built-ins, which keep working", async () => {
    router = await createRouter({ policy: policy(), providers: [echoFactory()], filters: [strongOnly] });
    const result = await ask(router);
    expect(result.text).toBe("large");
    expect(result.route.rejected).toEqual([{ target: "small", reason: "not strong", policy: "strong-only" }]);
    // The built-in capabilities filter still removes `large` (no log-probs), so nothing is left.
    const error = await ask(router, { logprobs: { topK: 1 } }).catch((caught: unknown) => caught);
    expect(NoEligibleTargetError.isInstance(error)).toBe(true);
    expect((error as NoEligibleTargetError).rejected.map((entry) => entry.policy)).toEqual([
      "capabilities",
      "strong-only",
    ]);
  });

  it("replaces a built-in filter given under its name, where it stands", async () => {
    const lenient: Filter = { kind: "filter", name: "capabilities", filter: () => [] };
    router = await createRouter({
      policy: policy({ targets: ["large"] }),
      providers: [echoFactory()],
      filters: [lenient],
    });
    expect((await ask(router, { logprobs: { topK: 1 } })).text).toBe("large");
  });

  it("lets a route name a user's strategy in the policy", async () => {
    router = await createRouter({
      policy: policy({ strategy: "reverse" }),
      providers: [echoFactory()],
      strategies: [reverse],
    });
    expect((await ask(router)).text).toBe("large");
  });

  it("rejects a strategy nobody registered, naming the registered ones", async () => {
    const error = createRouter({
      policy: policy({ strategy: "revers" }),
      providers: [echoFactory()],
      strategies: [reverse],
    });
    await expect(error).rejects.toThrow(
      'routes.default.strategy: expected one of `ordered`, `cheapest`, `fastest`, `weighted`, `quality-threshold`, `least-loaded`, `reverse` (got "revers") (did you mean `reverse`?)',
    );
  });

  it("passes the user's difficulty scorer to quality-threshold", async () => {
    let difficulty = 0.9;
    const scorer: DifficultyScorer = { score: () => difficulty };
    router = await createRouter({
      policy: policy({ strategy: "quality-threshold", qualityThreshold: 0.5 }),
      providers: [echoFactory()],
      difficultyScorer: scorer,
    });
    expect((await ask(router)).text).toBe("large");
    difficulty = 0.1;
    expect((await ask(router)).text).toBe("small");
  });

  it.each([
    ["a filter that also ranks", { filters: [{ ...strongOnly, rank: reverse.rank }] }, "filters"],
    ["a strategy given as a filter", { filters: [reverse] }, "filters"],
    ["a filter given as a strategy", { strategies: [strongOnly] }, "strategies"],
    ["a strategy without a name", { strategies: [{ ...reverse, name: "" }] }, "strategies"],
    ["a scorer without score", { difficultyScorer: {} }, "difficultyScorer"],
  ])("refuses %s, naming the option", async (_name, extra, option) => {
    const error = await createRouter({
      policy: policy(),
      providers: [echoFactory()],
      ...(extra as object),
    }).catch((caught: unknown) => caught);
    expect(InvalidOptionsError.isInstance(error)).toBe(true);
    expect((error as InvalidOptionsError).option).toBe(option);
  });

  it("types a filter and a strategy apart, so an object cannot be half of each", () => {
    expectTypeOf<Filter>().not.toExtend<Strategy>();
    expectTypeOf<Strategy>().not.toExtend<Filter>();
    // @ts-expect-error a filter has no rank
    const half: Filter = { kind: "filter", name: "half", filter: () => [], rank: () => [] };
    // @ts-expect-error nor as either kind of routing policy
    const either: RoutingPolicy = { kind: "strategy", name: "either", filter: () => [], rank: () => [] };
    expect([half.name, either.name]).toEqual(["half", "either"]);
  });
});
