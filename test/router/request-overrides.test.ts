import fc from "fast-check";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createRouter, InvalidRequestError, SwitchyardError, type TargetOverrides } from "../../index.js";
import { completion, wireUsage } from "../../providers/openai/fixtures/openai-wire.js";
import { useMswServer } from "../support/msw-server.js";

const server = useMswServer();
const ids = ["a", "b", "c", "d", "x"] as const;
type Id = (typeof ids)[number];
const baseURL = (id: Id) => `https://${id}.example.test/v1`;
/**
 * Route `default` lists a, b, c and x; its fallback route `backup` lists d. Only a, c and x do not
 * train on requests; x is priced so that one attempt could exceed the route's per-call cap.
 */
const noTraining: Record<Id, boolean> = { a: true, b: false, c: true, d: false, x: true };
const cap = 0.005;
const priceOf = (id: Id) => (id === "x" ? { input: 2.5, output: 10 } : { input: 0.15, output: 0.6 });

const policy = {
  providers: Object.fromEntries(
    ids.map((id) => [id, { type: "openai" as const, apiKey: `sk-${id}-canary-0000`, baseURL: baseURL(id) }]),
  ),
  targets: Object.fromEntries(
    ids.map((id) => [
      id,
      {
        provider: id,
        model: "gpt-4o-mini",
        price: priceOf(id),
        maxAttempts: 1,
        noTraining: noTraining[id],
      },
    ]),
  ),
  routes: {
    default: { targets: ["a", "b", "c", "x"], fallback: "backup", budget: { maxCostUsd: cap } },
    backup: { targets: ["d"] },
  },
};

/** Every target answers or fails with a 500, as `failing` says; each call is recorded. */
function upstreams(failing: ReadonlySet<Id>): Id[] {
  const called: Id[] = [];
  server.use(
    ...ids.map((id) =>
      http.post(`${baseURL(id)}/chat/completions`, () => {
        called.push(id);
        if (failing.has(id)) {
          return HttpResponse.json(
            { error: { message: "boom", type: "server_error", param: null, code: null } },
            { status: 500 },
          );
        }
        return HttpResponse.json(
          completion(
            { message: { content: `from ${id}` }, finish_reason: "stop" },
            wireUsage({ inputTokens: 9, outputTokens: 2 }),
          ),
        );
      }),
    ),
  );
  return called;
}

const messages = [{ role: "user" as const, content: "hi" }];

async function withRouter<T>(
  use: (router: Awaited<ReturnType<typeof createRouter>>) => Promise<T>,
): Promise<T> {
  const router = await createRouter({ policy, random: () => 0 });
  try {
    return await use(router);
  } finally {
    await router.close();
  }
}

describe("per-request target overrides", () => {
  it("tries only the targets in `only`, in the route's order", async () => {
    const called = upstreams(new Set(["c"]));
    await withRouter(async (router) => {
      const result = await router.chat({ messages, targets: { only: ["c", "b"] } });
      expect(result.route.target).toBe("b");
      expect(called).toEqual(["b"]);
      expect(result.route.rejected).toContainEqual({
        target: "a",
        policy: "request-targets",
        reason: "excluded by the request's targets.only",
      });
    });
  });

  it("tries the targets in `order` first, then the others as ranked", async () => {
    const called = upstreams(new Set(["c"]));
    await withRouter(async (router) => {
      const result = await router.chat({ messages, targets: { order: ["c"] } });
      expect(called).toEqual(["c", "a"]);
      expect(result.route.ranked).toEqual(["c", "a", "b"]);
    });
  });

  it("never tries an ignored target, on the route or on its fallback route", async () => {
    const called = upstreams(new Set(["b"]));
    await withRouter(async (router) => {
      const result = await router.chat({ messages, targets: { ignore: ["a"] } });
      expect(called).toEqual(["b", "c"]);
      expect(result.route.target).toBe("c");
    });
  });

  it("may ignore a target that only the fallback route lists", async () => {
    const called = upstreams(new Set(["a", "b", "c"]));
    await withRouter(async (router) => {
      const error = await router.chat({ messages, targets: { ignore: ["d"] } }).catch((e: unknown) => e);
      expect(SwitchyardError.isInstance(error)).toBe(true);
      expect(called).toEqual(["a", "b", "c"]);
    });
  });

  it("with allowFallbacks false, fails after the first choice instead of trying another target or the fallback route", async () => {
    const called = upstreams(new Set(["a"]));
    await withRouter(async (router) => {
      const error = await router
        .chat({ messages, targets: { allowFallbacks: false } })
        .catch((e: unknown) => e);
      expect(SwitchyardError.isInstance(error)).toBe(true);
      expect(called).toEqual(["a"]);
    });
  });

  it("falls back to the fallback route by default when every target of the route fails", async () => {
    const called = upstreams(new Set(["a", "b", "c"]));
    await withRouter(async (router) => {
      const result = await router.chat({ messages, targets: { only: ["a"] } });
      expect(called).toEqual(["a", "d"]);
      expect(result.route.target).toBe("d");
    });
  });

  it("cannot relax privacy: an ordered target that may train on requests stays rejected", async () => {
    const called = upstreams(new Set());
    await withRouter(async (router) => {
      const plan = await router.explain({ messages, privacy: "no-training", targets: { order: ["b"] } });
      expect(plan.ranked.map((candidate) => candidate.target.id)).toEqual(["a", "c"]);
      const result = await router.chat({ messages, privacy: "no-training", targets: { only: ["b", "c"] } });
      expect(result.route.target).toBe("c");
      expect(called).toEqual(["c"]);
    });
  });

  it("cannot raise the cap: a target whose attempt could exceed it is never tried, even when asked for first", async () => {
    const called = upstreams(new Set());
    await withRouter(async (router) => {
      const result = await router.chat({ messages, budget: { maxCostUsd: 1 }, targets: { order: ["x"] } });
      expect(result.route.target).toBe("a");
      expect(result.route.rejected.map((rejection) => [rejection.target, rejection.policy])).toEqual([
        ["x", "cost"],
      ]);
      const error = await router
        .chat({ messages, targets: { only: ["x"], allowFallbacks: false } })
        .catch((e) => e);
      expect((error as Error).name).toBe("BudgetExceededError");
      expect(called).toEqual(["a"]);
    });
  });

  it.each([
    [{ only: ["d"] }, "targets.only[0]", /"d" is not a target of route "default"/],
    [{ order: ["a", "zz"] }, "targets.order[1]", /"zz" is not a target of route "default"/],
    [{ ignore: ["a", "a"] }, "targets.ignore[1]", /repeats the target "a"/],
    [
      { ignore: ["zz"] },
      "targets.ignore[0]",
      /"zz" is not a target of route "default" or of its fallback routes/,
    ],
    [{ only: ["a"], ignore: ["a"] }, "targets.ignore[0]", /also in targets.only/],
    [{ only: ["a"], order: ["b"] }, "targets.order[0]", /excluded by targets.only or targets.ignore/],
    [{ ignore: ["a", "b", "c", "x"] }, "targets", /leaves no target of route "default"/],
    [{ allowFallbacks: "no" }, "targets.allowFallbacks", /true or false/],
    [{ first: ["a"] }, "targets.first", /is not a field of target overrides/],
    ["a", "targets", /must be an object/],
  ])("refuses the override %j naming %s, before any provider is called", async (targets, field, message) => {
    const called = upstreams(new Set());
    await withRouter(async (router) => {
      for (const call of [
        () => router.chat({ messages, targets: targets as TargetOverrides }),
        () => router.explain({ messages, targets: targets as TargetOverrides }),
      ]) {
        const error = await call().catch((e: unknown) => e);
        expect(InvalidRequestError.isInstance(error) && error.field).toBe(field);
        expect((error as Error).message).toMatch(message);
      }
      expect(called).toEqual([]);
    });
  });
});

const routeTargets: Id[] = ["a", "b", "c", "x"];
const subset = fc.subarray(routeTargets);
const overridesArbitrary: fc.Arbitrary<TargetOverrides> = fc.record(
  {
    only: subset,
    order: fc.shuffledSubarray(routeTargets),
    ignore: subset,
    allowFallbacks: fc.boolean(),
  },
  { requiredKeys: [] },
);

describe("per-request overrides stay inside the operator's bounds (property)", () => {
  it("tries only the route's kept targets (and the fallback route's only when allowed), never relaxes privacy, never exceeds the cap", async () => {
    await fc.assert(
      fc.asyncProperty(
        overridesArbitrary,
        fc.subarray([...ids]),
        fc.boolean(),
        fc.constantFrom(undefined, 0.001, 1),
        async (targets, failing, private_, maxCostUsd) => {
          const called = upstreams(new Set(failing));
          const outcome = await withRouter((router) =>
            router
              .chat({
                messages,
                targets,
                ...(private_ ? { privacy: "no-training" as const } : {}),
                // A request may lower the route's cap, never raise it: 1 must change nothing.
                ...(maxCostUsd !== undefined ? { budget: { maxCostUsd } } : {}),
              })
              .catch((error: unknown) => error),
          );
          if (InvalidRequestError.isInstance(outcome) && outcome.field.startsWith("targets")) {
            expect(called).toEqual([]);
            return;
          }
          const kept = (id: Id) =>
            (targets.only === undefined || targets.only.includes(id)) && !targets.ignore?.includes(id);
          const allowed = new Set<Id>(routeTargets.filter(kept));
          if (targets.allowFallbacks !== false && !targets.ignore?.includes("d")) allowed.add("d");
          for (const id of called) expect(allowed.has(id)).toBe(true);
          if (targets.allowFallbacks === false) expect(new Set(called).size).toBeLessThanOrEqual(1);
          if (private_) for (const id of called) expect(noTraining[id]).toBe(true);
          // One attempt on x could cost more than the route's cap, whatever the override or the request's budget.
          expect(called).not.toContain("x");
          const first = (targets.order as Id[] | undefined)?.find(
            (id) => kept(id) && id !== "x" && (!private_ || noTraining[id]),
          );
          if (first) expect(called[0]).toBe(first);
          if (!SwitchyardError.isInstance(outcome)) {
            const result = outcome as { costUsd: number; route: { target?: string } };
            expect(result.costUsd).toBeLessThanOrEqual(Math.min(cap, maxCostUsd ?? cap));
            expect(allowed.has(result.route.target as Id)).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);
});
