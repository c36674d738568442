import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { LoadedPolicy } from "../config/index.js";
import { InvalidOptionsError } from "../core/index.js";
import type { Router } from "../router/router.js";
import type { RouterEvent } from "../router/routing-context.js";
import { createGatewayApp } from "./gateway-app.js";
import { GatewayMetrics } from "./gateway-metrics.js";
import type { Gateway, GatewayEntry, GatewayOptions } from "./gateway-options.js";
import type { GatewayState } from "./gateway-state.js";
import { KeyLimits } from "./key-limits.js";
import { KeyRing } from "./virtual-keys.js";

const defaults = { host: "127.0.0.1", port: 4000, maxHeaderBytes: 16_384 };
/** After the router closed, how long responses may take to write their last bytes, ms. */
const flushMs = 1000;

/** The gateway's view of a loaded policy; a key naming a route that does not exist is refused. */
function gatewayState(loaded: LoadedPolicy): GatewayState {
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
  const keys = new KeyRing(settings.keys);
  return { settings, keys, limits: new KeyLimits(keys.keys), routes };
}

/**
 * Starts the gateway: a router over the policy, an HTTP server on `host:port` serving the
 * OpenAI-compatible API, health and metrics. Resolves once it listens.
 */
export async function startGateway(entry: GatewayEntry, options: GatewayOptions): Promise<Gateway> {
  const env = options.env ?? process.env;
  let state = gatewayState(await entry.loadPolicy(options.policy, { env }));
  const refresh = async () => {
    const next = gatewayState(await entry.loadPolicy(options.policy, { env }));
    const previous = state;
    state = next;
    previous.limits.close();
  };
  const onEvent = (event: RouterEvent) => {
    // The router reloaded itself (its `watch`): the keys follow.
    if (event.type === "policy-reload" && event.ok && !reloading) refresh().catch(() => {});
  };
  let reloading = false;
  const router: Router = await entry.createRouter({
    policy: options.policy,
    env,
    onEvent,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  let draining = false;
  const metrics = new GatewayMetrics();
  const app = createGatewayApp({
    router: () => router,
    state: () => state,
    metrics,
    ready: () => !draining,
    draining: () => draining,
  });
  const server = createServer(
    { maxHeaderSize: options.maxHeaderBytes ?? defaults.maxHeaderBytes, requestTimeout: 0 },
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
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    router,
    async reload() {
      reloading = true;
      try {
        await router.reload();
        await refresh();
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
        state.limits.close();
        await closed;
      })();
      return closing;
    },
  };
}
