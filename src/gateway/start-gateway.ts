import { AsyncLocalStorage } from "node:async_hooks";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { keySpendTag, type LoadedPolicy } from "../config/index.js";
import { InvalidOptionsError } from "../core/index.js";
import type { Router } from "../router/router.js";
import type { RouterEvent } from "../router/routing-context.js";
import { openRoutingState } from "../state/redis/index.js";
import type { CallIdSlot } from "./call-context.js";
import { createGatewayApp } from "./gateway-app.js";
import { GatewayMetrics } from "./gateway-metrics.js";
import type { Gateway, GatewayEntry, GatewayOptions } from "./gateway-options.js";
import type { GatewayState } from "./gateway-state.js";
import { KeyLimits } from "./key-limits.js";
import { RecentCalls } from "./recent-calls.js";
import { KeyRing } from "./virtual-keys.js";

const defaults = { host: "127.0.0.1", port: 4000, maxHeaderBytes: 16_384 };
/** The dashboard's ring until a policy with the dashboard on sizes it (the schema's default). */
const defaultRecentCalls = 100;
/** After the router closed, how long responses may take to write their last bytes, ms. */
const flushMs = 1000;

/** The gateway's view of a loaded policy; a key naming a route that does not exist is refused. */
function gatewayState(loaded: LoadedPolicy, limits: KeyLimits): GatewayState {
  const settings = loaded.policy.gateway ?? {
    maxBodyBytes: 4 * 1024 * 1024,
    maxConcurrent: 1024,
    drainMs: 30_000,
  };
  const routes = Object.keys(loaded.policy.routes);
  for (const [name, key] of Object.entries(settings.keys ?? {})) {
    key.routes?.forEach((route, index) => {
      if (!routes.includes(route)) {
        throw new InvalidOptionsError(
          "gateway",
          `gateway.keys.${name}.routes[${index}]`,
          `"${route}" is not a route of the policy (routes: ${routes.join(", ")})`,
        );
      }
    });
  }
  settings.dashboard?.keys?.forEach((name, index) => {
    if (!Object.hasOwn(settings.keys ?? {}, name)) {
      throw new InvalidOptionsError(
        "gateway",
        `gateway.dashboard.keys[${index}]`,
        `"${name}" is not a key of gateway.keys (keys: ${Object.keys(settings.keys ?? {}).join(", ") || "none"})`,
      );
    }
  });
  return { settings, keys: new KeyRing(settings.keys), limits, routes };
}

/**
 * Starts the gateway: a router over the policy, an HTTP server on `host:port` serving the
 * OpenAI-compatible API, health and metrics. Resolves once it listens.
 */
export async function startGateway(entry: GatewayEntry, options: GatewayOptions): Promise<Gateway> {
  const env = options.env ?? process.env;
  const loaded = await entry.loadPolicy(options.policy, { env });
  // The keys' limiters live where the router's do: in this process, or in the policy's Redis.
  const shared = await openRoutingState(loaded.policy.state);
  const limits = new KeyLimits(shared.limiters);
  const keyPrefix = keySpendTag("");
  const recentCalls = new RecentCalls(defaultRecentCalls, (tags) =>
    tags.find((tag) => tag.startsWith(keyPrefix))?.slice(keyPrefix.length),
  );
  let state: GatewayState;
  /** The keys' limiters and the dashboard's ring follow the state in use. */
  const use = (next: GatewayState) => {
    limits.update(next.keys.keys);
    if (next.settings.dashboard?.enabled) {
      recentCalls.resize(next.settings.dashboard.recentCalls);
    } else recentCalls.clear();
    state = next;
  };
  try {
    use(gatewayState(loaded, limits));
  } catch (error) {
    await closeShared();
    throw error;
  }
  async function closeShared() {
    limits.close();
    await shared.store.close?.();
  }
  // The keys' limiters, like the router's, live in the state opened at start-up.
  const startState = JSON.stringify(loaded.policy.state);
  const reloaded = async (): Promise<GatewayState> => {
    const next = await entry.loadPolicy(options.policy, { env });
    if (JSON.stringify(next.policy.state) !== startState) {
      throw new InvalidOptionsError(
        "gateway",
        "state",
        "the state section changed: it is read at start-up (the router and the keys' limits keep counting where they started), so applying it takes a restart",
      );
    }
    return gatewayState(next, limits);
  };
  const refresh = async () => {
    use(await reloaded());
  };
  const callIds = new AsyncLocalStorage<CallIdSlot>();
  const onEvent = (event: RouterEvent) => {
    // Only while the dashboard is on: its ring costs nothing otherwise.
    if (state.settings.dashboard?.enabled) recentCalls.record(event);
    if (event.type === "call-start") {
      const slot = callIds.getStore();
      if (slot) slot.callId = event.callId;
    }
    // The router reloaded itself (its `watch`): the keys follow.
    if (event.type === "policy-reload" && event.ok && !reloading) refresh().catch(() => {});
  };
  let reloading = false;
  let router: Router;
  try {
    router = await entry.createRouter({
      policy: options.policy,
      env,
      onEvent,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } catch (error) {
    await closeShared();
    throw error;
  }
  let draining = false;
  const metrics = new GatewayMetrics();
  const app = createGatewayApp({
    router: () => router,
    state: () => state,
    callIds,
    metrics,
    recentCalls,
    ready: () => !draining,
    draining: () => draining,
  });
  const server = createServer(
    // The whole request (headers and body) must arrive within a minute; responses and streams
    // take as long as they take.
    { maxHeaderSize: options.maxHeaderBytes ?? defaults.maxHeaderBytes, requestTimeout: 60_000 },
    getRequestListener(app.fetch, { overrideGlobalObjects: false }),
  );
  const host = options.host ?? defaults.host;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? defaults.port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await router.close();
    await closeShared();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    router,
    get requiresKey() {
      return state.keys.enabled;
    },
    async reload() {
      reloading = true;
      try {
        // The gateway's part is checked first: a bad key section, or a changed state section,
        // leaves router and keys as they were.
        const next = await reloaded();
        await router.reload();
        use(next);
      } finally {
        reloading = false;
      }
    },
    close(closeOptions = {}) {
      closing ??= (async () => {
        draining = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await router.close({ graceMs: closeOptions.graceMs ?? state.settings.drainMs });
        const flushed = Date.now() + flushMs;
        while (metrics.inFlight > 0 && Date.now() < flushed)
          await new Promise((resolve) => setTimeout(resolve, 10));
        server.closeAllConnections();
        await closeShared();
        await closed;
      })();
      return closing;
    },
  };
}
