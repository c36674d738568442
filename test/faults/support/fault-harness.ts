import { afterEach, beforeEach, vi } from "vitest";
import {
  type CreateRouterOptions,
  createRouter,
  InMemoryStateStore,
  type ProviderFactory,
  type Router,
  type StateStore,
} from "../../../index.js";
import type { PolicyFile } from "../../../src/config/index.js";
import type { RouterEvent } from "../../../src/router/routing-context.js";
import { mswServer } from "../../support/msw-server.js";
import type { Upstream } from "./upstream.js";

type TargetFile = PolicyFile["targets"][string];
type RouteFile = PolicyFile["routes"][string];

/**
 * A target served by a scripted upstream; the other fields are the policy's target fields, priced
 * at `testPrice` unless they say otherwise (`price: undefined`: the model catalog's price).
 */
export interface HarnessTarget extends Partial<Omit<TargetFile, "provider">> {
  upstream: Upstream;
}

export interface HarnessOptions {
  /** Targets by id, each on its own provider and upstream. */
  targets: Record<string, Upstream | HarnessTarget>;
  /** @default { default: { targets: every target in order } } */
  routes?: Record<string, RouteFile>;
  /** Providers and targets that no upstream serves (a local engine). */
  extraProviders?: PolicyFile["providers"];
  extraTargets?: PolicyFile["targets"];
  retryBudget?: PolicyFile["retryBudget"];
  /** Daily budgets per tag, target and provider (each target's provider is `<target id>-provider`). */
  budgets?: PolicyFile["budgets"];
  /** Provider factories added to the built-ins. */
  providers?: ProviderFactory[];
  /** @default a new InMemoryStateStore */
  store?: StateStore;
  /** More router options (a logger, a call log). */
  router?: Omit<CreateRouterOptions, "policy" | "state" | "onEvent">;
  /** The router's `telemetry` option (OpenTelemetry). */
  telemetry?: CreateRouterOptions["telemetry"];
}

export interface Harness {
  router: Router;
  /** Every telemetry event, in order. */
  events: RouterEvent[];
  store: StateStore;
  policy: PolicyFile;
}

/** Price of every scripted target: $1 per million prompt tokens, $2 per million output tokens. */
export const testPrice = { input: 1, output: 2 };

/** Builds a policy over scripted upstreams, registers their handlers with msw, starts a router. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const providers: PolicyFile["providers"] = { ...options.extraProviders };
  const targets: PolicyFile["targets"] = { ...options.extraTargets };
  const upstreams: Upstream[] = [];
  for (const [id, entry] of Object.entries(options.targets)) {
    const { upstream, ...fields } = "upstream" in entry ? entry : { upstream: entry };
    upstreams.push(upstream);
    providers[`${id}-provider`] = upstream.shape.providerConfig(upstream.baseURL, upstream.apiKey);
    const target: TargetFile = {
      provider: `${id}-provider`,
      model: upstream.shape.model,
      price: testPrice,
      ...fields,
    };
    // `price: undefined` leaves the price to the model catalog.
    if (target.price === undefined) delete target.price;
    targets[id] = target;
  }
  const policy: PolicyFile = {
    providers,
    targets,
    routes: options.routes ?? { default: { targets: Object.keys(options.targets) } },
    ...(options.retryBudget ? { retryBudget: options.retryBudget } : {}),
    ...(options.budgets ? { budgets: options.budgets } : {}),
  };
  mswServer.use(...upstreams.map((upstream) => upstream.handler()));
  const events: RouterEvent[] = [];
  const store: StateStore = options.store ?? new InMemoryStateStore();
  const router = await createRouter({
    policy,
    state: store,
    random: () => 0,
    ...options.router,
    onEvent: (event) => events.push(event),
    ...(options.providers ? { providers: options.providers } : {}),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
  });
  return { router, events, store, policy };
}

/**
 * Fake timers that leave msw and the fetch machinery working: only timers, intervals, Date and
 * performance are faked (microtasks, nextTick and setImmediate stay real), so responses flow
 * while the test moves the clock with `vi.advanceTimersByTimeAsync`.
 */
export function useFakeClock(): void {
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date", "performance"],
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

/** A call in flight: whether it settled yet, without letting a rejection go unhandled meanwhile. */
export interface Tracked<T> {
  readonly settled: boolean;
  /** Resolves with the value; rejects with the call's error. */
  readonly promise: Promise<T>;
  /** Resolves with the error the call rejected with; fails when it resolved. */
  error(): Promise<unknown>;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  let settled = false;
  const observed = promise.then(
    (value) => {
      settled = true;
      return value;
    },
    (error: unknown) => {
      settled = true;
      throw error;
    },
  );
  observed.catch(() => {});
  return {
    get settled() {
      return settled;
    },
    promise: observed,
    error: () =>
      observed.then(
        (value) => {
          throw new Error(`expected the call to fail, it answered ${JSON.stringify(value).slice(0, 200)}`);
        },
        (error: unknown) => error,
      ),
  };
}

/** Lets pending I/O and microtasks run without moving the fake clock. */
export async function flush(): Promise<void> {
  for (let round = 0; round < 5; round++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
