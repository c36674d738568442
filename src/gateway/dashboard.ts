import { createHash, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { keySpendTag } from "../config/index.js";
import type { Router } from "../router/router.js";
import type { RouterStatus } from "../router/router-status.js";
import type { UsageReport, UsageTotals } from "../router/usage-report.js";
import { dashboardPage } from "./dashboard-page.js";
import type { GatewayMetrics } from "./gateway-metrics.js";
import type { GatewayState } from "./gateway-state.js";
import type { RecentCall, RecentCalls } from "./recent-calls.js";

/** What `/ui/state` answers: everything the page shows, as one JSON document. */
export interface DashboardState {
  now: number;
  gateway: { inFlight: number; draining: boolean; maxConcurrent: number; requiresKey: boolean };
  status?: RouterStatus;
  /** Why the router's status could not be read (the state store is down). */
  statusError?: string;
  usage?: UsageReport;
  usageError?: string;
  /** Today's spend by request tag, the keys' own spend tags left out (they are under `keys`). */
  tags: Record<string, UsageTotals>;
  keys: {
    name: string;
    routes?: string[];
    limits: Record<string, number>;
    dailyUsd?: number;
    spentUsd: number;
  }[];
  calls: RecentCall[];
}

export interface DashboardHost {
  router(): Router;
  state(): GatewayState;
  metrics: GatewayMetrics;
  draining(): boolean;
  recentCalls: RecentCalls;
}

const realm = 'Basic realm="Switchyard dashboard", charset="UTF-8"';

/**
 * The key a dashboard request presents: `Authorization: Bearer <key>` (tools), or HTTP Basic
 * with the key as the password (browsers ask for it; the user name is ignored).
 */
function presentedDashboardKey(headers: Headers): string | undefined {
  const authorization = headers.get("authorization");
  if (authorization === null) return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (!basic?.[1]) return undefined;
  const decoded = Buffer.from(basic[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : decoded.slice(colon + 1) || undefined;
}

/**
 * Whether a request may see the dashboard: the admin key (`dashboard.hash`) or a virtual key named
 * in `dashboard.keys`. Both are checked every time, each in constant time.
 */
function access(state: GatewayState, headers: Headers): "allowed" | "missing" | "invalid" | "forbidden" {
  const presented = presentedDashboardKey(headers);
  if (presented === undefined) return "missing";
  const settings = state.settings.dashboard;
  const digest = createHash("sha256").update(presented, "utf8").digest();
  const admin = settings?.hash ? Buffer.from(settings.hash.slice("sha256:".length), "hex") : undefined;
  const isAdmin = admin !== undefined && timingSafeEqual(digest, admin);
  const key = state.keys.find(presented);
  if (isAdmin || (key && settings?.keys?.includes(key.name))) return "allowed";
  return key ? "forbidden" : "invalid";
}

function refusal(outcome: "missing" | "invalid" | "forbidden"): Response {
  const message = {
    missing: "the dashboard needs a key: its admin key or a virtual key listed in gateway.dashboard.keys",
    invalid: "invalid key",
    forbidden: "this key may not open the dashboard (gateway.dashboard.keys)",
  }[outcome];
  return new Response(`${message}\n`, {
    status: outcome === "forbidden" ? 403 : 401,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
      ...(outcome === "forbidden" ? {} : { "www-authenticate": realm }),
    },
  });
}

/** JSON that stays inert wherever it lands: `<`, `>`, `&` and line separators as \u escapes. */
export function inertJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function failure(error: unknown): string {
  // Only the error's class: a store's message may name its connection (and what is in its URL).
  return error instanceof Error ? error.name : "error";
}

async function dashboardState(host: DashboardHost): Promise<DashboardState> {
  const state = host.state();
  const router = host.router();
  const [status, usage] = await Promise.allSettled([router.status(), router.usage()]);
  const report = usage.status === "fulfilled" ? usage.value : undefined;
  const keyPrefix = keySpendTag("");
  const tags = Object.fromEntries(
    Object.entries(report?.tags ?? {}).filter(([tag]) => !tag.startsWith(keyPrefix)),
  );
  return {
    now: Date.now(),
    gateway: {
      inFlight: host.metrics.inFlight,
      draining: host.draining(),
      maxConcurrent: state.settings.maxConcurrent,
      requiresKey: state.keys.enabled,
    },
    ...(status.status === "fulfilled" ? { status: status.value } : { statusError: failure(status.reason) }),
    ...(report ? { usage: report } : { usageError: failure(usage.status === "rejected" && usage.reason) }),
    tags,
    keys: state.keys.keys.map((key) => {
      const dailyUsd = state.settings.keys?.[key.name]?.dailyUsd;
      return {
        name: key.name,
        ...(key.routes ? { routes: [...key.routes] } : {}),
        limits: { ...key.limits },
        ...(dailyUsd !== undefined ? { dailyUsd } : {}),
        spentUsd: report?.tags[keySpendTag(key.name)]?.costUsd ?? 0,
      };
    }),
    calls: host.recentCalls.list(),
  };
}

/**
 * `GET /ui` (the page) and `GET /ui/state` (its data), when `gateway.dashboard.enabled`; else
 * undefined, and the request goes on to the 404 of an unknown endpoint.
 */
export async function dashboard(context: Context, host: DashboardHost): Promise<Response | undefined> {
  const state = host.state();
  if (!state.settings.dashboard?.enabled) return undefined;
  const allowed = access(state, context.req.raw.headers);
  if (allowed !== "allowed") return refusal(allowed);
  if (context.req.path === "/ui") return new Response(dashboardPage.html, { headers: dashboardPage.headers });
  return new Response(inertJson(await dashboardState(host)), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
