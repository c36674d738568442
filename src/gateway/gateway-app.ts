import type { AsyncLocalStorage } from "node:async_hooks";
import type { HttpBindings } from "@hono/node-server";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Router } from "../router/router.js";
import { anthropicErrorResponse, anthropicMessages } from "./anthropic-messages.js";
import { GatewayError } from "./api-error.js";
import { CallContext, type CallIdSlot } from "./call-context.js";
import { dashboard } from "./dashboard.js";
import { embeddings } from "./embeddings.js";
import type { GatewayMetrics } from "./gateway-metrics.js";
import type { GatewayState } from "./gateway-state.js";
import { openaiChat, openaiErrorResponse } from "./openai-chat.js";
import type { RecentCalls } from "./recent-calls.js";
import { presentedKey, type VirtualKey } from "./virtual-keys.js";

/** What the app reads at each request: the live router and policy state, and the process's status. */
export interface GatewayHost {
  router(): Router;
  state(): GatewayState;
  /** Filled by the router's `call-start` events (see `CallContext.stream`). */
  callIds: AsyncLocalStorage<CallIdSlot>;
  metrics: GatewayMetrics;
  /** The last calls, for the dashboard. */
  recentCalls: RecentCalls;
  /** False while the policy loads or local engines start, and once draining. */
  ready(): boolean;
  /** True once SIGTERM (or `close`) began: new API calls get 503. */
  draining(): boolean;
}

type Env = { Bindings: HttpBindings; Variables: { call: CallContext } };

function authenticate(state: GatewayState, headers: Headers): VirtualKey | undefined {
  if (!state.keys.enabled) return undefined;
  const presented = presentedKey(headers);
  if (presented === undefined) {
    throw new GatewayError(
      401,
      "invalid_request_error",
      "missing API key: send Authorization: Bearer <key>",
      {
        code: "missing_api_key",
      },
    );
  }
  const key = state.keys.find(presented);
  if (!key)
    throw new GatewayError(401, "invalid_request_error", "invalid API key", { code: "invalid_api_key" });
  return key;
}

/** The gateway's HTTP API over hono: OpenAI- and Anthropic-compatible endpoints, health and metrics. */
export function createGatewayApp(host: GatewayHost): Hono<Env> {
  const app = new Hono<Env>();
  const { metrics } = host;

  app.use("*", async (context, next) => {
    const began = performance.now();
    context.env.outgoing.once("close", () => {
      metrics.request(context.req.routePath, context.res.status, (performance.now() - began) / 1000);
    });
    await next();
  });

  app.get("/health/live", (context) => context.json({ status: "ok" }));
  app.get("/health/ready", (context) =>
    host.ready() ? context.json({ status: "ready" }) : context.json({ status: "not ready" }, 503),
  );
  app.get("/metrics", (context) =>
    context.text(metrics.text(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }),
  );

  // The dashboard, when the policy enables it; else these are unknown endpoints like any other.
  for (const path of ["/ui", "/ui/state"]) {
    app.get(path, async (context) => (await dashboard(context, host)) ?? context.notFound());
  }

  app.use("/v1/*", async (context, next) => {
    const state = host.state();
    if (host.draining()) {
      throw new GatewayError(503, "service_unavailable", "the gateway is shutting down", {
        code: "shutting_down",
        retryAfterSeconds: 1,
      });
    }
    if (metrics.inFlight >= state.settings.maxConcurrent) {
      throw new GatewayError(
        503,
        "service_unavailable",
        `the gateway is at its limit of ${state.settings.maxConcurrent} requests in flight`,
        { code: "too_many_requests_in_flight", retryAfterSeconds: 1 },
      );
    }
    metrics.inFlight += 1;
    context.env.outgoing.once("close", () => {
      metrics.inFlight -= 1;
    });
    const key = authenticate(state, context.req.raw.headers);
    context.set("call", new CallContext(state, key, metrics, host.callIds));
    const limit = bodyLimit({
      maxSize: state.settings.maxBodyBytes,
      onError: () => {
        throw new GatewayError(
          413,
          "invalid_request_error",
          `the body is larger than ${state.settings.maxBodyBytes} bytes`,
          {
            code: "body_too_large",
          },
        );
      },
    });
    await limit(context, next);
  });

  app.get("/v1/models", (context) => {
    const { state, key } = context.get("call");
    const created = Math.floor(Date.now() / 1000);
    const routes = state.routes.filter((route) => !key?.routes || key.routes.has(route));
    return context.json({
      object: "list",
      data: routes.map((route) => ({ id: route, object: "model", created, owned_by: "switchyard" })),
    });
  });
  app.post("/v1/chat/completions", (context) => openaiChat(context, host.router(), context.get("call")));
  app.post("/v1/embeddings", (context) => embeddings(context, host.router(), context.get("call")));
  app.post("/v1/messages", (context) => anthropicMessages(context, host.router(), context.get("call")));

  app.notFound((context) =>
    openaiErrorResponse(
      new GatewayError(
        404,
        "invalid_request_error",
        `no endpoint ${context.req.method} ${context.req.path}`,
        {
          code: "unknown_endpoint",
        },
      ),
    ),
  );
  // Each API's errors in its own shape, whichever step (auth, limits, body, router) failed.
  app.onError((error, context) =>
    context.req.path === "/v1/messages" ? anthropicErrorResponse(error) : openaiErrorResponse(error),
  );
  return app;
}
