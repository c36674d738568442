import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../index.js";
import type { DashboardState } from "../../src/gateway/dashboard.js";
import { inertJson } from "../../src/gateway/dashboard.js";
import { RecentCalls } from "../../src/gateway/recent-calls.js";
import { hashKey } from "../../src/gateway/virtual-keys.js";
import {
  adminKey,
  appKey,
  callThrough,
  type DashboardGateway,
  dashboardPolicy,
  hostile,
  opsKey,
  startDashboardGateway,
} from "./dashboard-fixture.js";
import { gatewayPolicy, startGateway, upstreamKey } from "./gateway-fixture.js";
import { statusReply } from "./openai-upstream.js";

let started: DashboardGateway;
beforeAll(async () => {
  started = await startDashboardGateway();
});
afterAll(() => started.stop());

const basic = (key: string) => `Basic ${Buffer.from(`admin:${key}`).toString("base64")}`;
const get = (path: string, authorization?: string) =>
  fetch(`${started.gateway.url}${path}`, authorization ? { headers: { authorization } } : {});

async function dashboardState(): Promise<{ text: string; state: DashboardState }> {
  const response = await get("/ui/state", `Bearer ${adminKey}`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
  const text = await response.text();
  return { text, state: JSON.parse(text) as DashboardState };
}

describe("the dashboard's access", () => {
  it("is an unknown endpoint unless the policy enables it, and a reload turns it on", async () => {
    const plain = await startGateway();
    try {
      const response = await fetch(`${plain.gateway.url}/ui`);
      expect(response.status).toBe(404);
      await writeFile(
        plain.policyFile,
        gatewayPolicy(
          plain.upstream.baseURL,
          `gateway:\n  dashboard: { enabled: true, hash: "${hashKey(adminKey)}" }\n`,
        ),
      );
      await plain.gateway.reload();
      expect((await fetch(`${plain.gateway.url}/ui`)).status).toBe(401);
      const opened = await fetch(`${plain.gateway.url}/ui/state`, {
        headers: { authorization: `Bearer ${adminKey}` },
      });
      expect(opened.status).toBe(200);
    } finally {
      await plain.stop();
    }
  });

  it("asks a browser for a key, and refuses a wrong one or a key not listed for it", async () => {
    const missing = await get("/ui");
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    expect(await missing.text()).not.toContain("<");
    expect((await get("/ui/state")).status).toBe(401);
    expect((await get("/ui", basic("test-canary-not-a-real-key-wrong"))).status).toBe(401);
    const app = await get("/ui/state", `Bearer ${appKey}`);
    expect(app.status).toBe(403);
    expect(await app.text()).toContain("gateway.dashboard.keys");
  });

  it("opens for the admin key (Basic or Bearer) and for a listed virtual key, under a strict CSP", async () => {
    for (const authorization of [basic(adminKey), `Bearer ${adminKey}`, basic(opsKey)]) {
      const response = await get("/ui", authorization);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
      expect(csp).not.toContain("unsafe-inline");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(await response.text()).toContain("<title>Switchyard gateway</title>");
    }
  });

  it("is a key on its own: the admin key cannot call the API", async () => {
    expect((await callThrough(started.gateway, adminKey)).status).toBe(401);
  });
});

describe("the dashboard's state", () => {
  it("shows a call made through the gateway with its route trace, spend and key", async () => {
    const { status, callId } = await callThrough(started.gateway, appKey);
    expect(status).toBe(200);
    expect(callId).toMatch(/^[0-9a-f-]{36}$/);
    const { state } = await dashboardState();
    const call = state.calls.find((entry) => entry.callId === callId);
    expect(call).toMatchObject({
      route: "default",
      key: "app",
      outcome: "success",
      target: "mini",
      model: "gpt-4o-mini",
      tags: ["key:app", "web"],
      trace: [{ type: "attempt", target: "mini", attempt: 1, outcome: "success" }],
    });
    expect(call?.costUsd).toBeGreaterThan(0);
    expect(state.status?.routes.map((route) => route.name)).toEqual(["default", "odd"]);
    expect(state.status?.targets[0]).toMatchObject({
      id: "mini",
      health: { breaker: "closed" },
      limiter: { limits: { rpm: 600 } },
    });
    expect(state.usage?.routes.default?.costUsd).toBeCloseTo(call?.costUsd ?? 0, 12);
    expect(state.keys.find((key) => key.name === "app")).toMatchObject({ dailyUsd: 1 });
    expect(state.keys.find((key) => key.name === "app")?.spentUsd).toBeCloseTo(call?.costUsd ?? 0, 12);
    expect(Object.keys(state.tags)).toEqual(["web"]);
  });

  it("never writes a caller's or a model's markup into the page's data as markup", async () => {
    const { callId } = await callThrough(
      started.gateway,
      appKey,
      { model: "odd" },
      { "x-switchyard-metadata": JSON.stringify({ note: hostile }) },
    );
    const { text, state } = await dashboardState();
    expect(text).not.toContain("<");
    expect(text).not.toContain(">");
    const call = state.calls.find((entry) => entry.callId === callId);
    expect(call?.metadata).toEqual({ note: hostile });
    expect(call?.model).toBe(hostile);
    expect(inertJson({ a: "</script>\u2028&" })).toBe('{"a":"\\u003c/script\\u003e\\u2028\\u0026"}');
  });

  it("keeps the upstream's key out of what it shows when an error body echoes it", async () => {
    started.upstream.replies.push(
      statusReply(400, {
        error: { message: `bad key ${upstreamKey}`, type: "invalid_request_error", param: null, code: null },
      }),
    );
    const { status, callId } = await callThrough(started.gateway, appKey);
    expect(status).toBe(400);
    const { text, state } = await dashboardState();
    expect(text).not.toContain(upstreamKey);
    const call = state.calls.find((entry) => entry.callId === callId);
    expect(call?.outcome).toBe("error");
    expect(call?.trace[0]).toMatchObject({ type: "attempt", target: "mini", status: 400 });
  });
});

describe("the dashboard's settings", () => {
  it("refuses an enabled dashboard without a key, and one naming a key that does not exist", async () => {
    const folder = await mkdtemp(join(tmpdir(), "switchyard-dashboard-policy-"));
    const file = join(folder, "policy.yaml");
    try {
      await writeFile(file, dashboardPolicy("http://127.0.0.1:9/v1", "enabled: true"));
      await expect(loadPolicy(file, { env: { UPSTREAM_KEY: upstreamKey } })).rejects.toThrow(
        /an enabled dashboard needs a key/,
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    await expect(startDashboardGateway("enabled: true\n    keys: [nobody]")).rejects.toThrow(
      /gateway\.dashboard\.keys\[0\].*"nobody" is not a key/,
    );
  });

  it("keeps the last calls in a bounded ring, running ones first", () => {
    const recent = new RecentCalls(2, () => undefined);
    for (const callId of ["a", "b", "c", "d"]) {
      recent.record({ type: "call-start", callId, route: "default", streaming: false });
      if (callId !== "d") {
        recent.record({
          type: "call-end",
          callId,
          outcome: "success",
          streaming: false,
          latencyMs: 1,
          attempts: 1,
          costUsd: 0,
        });
      }
    }
    expect(recent.list().map((call) => [call.callId, call.outcome])).toEqual([
      ["d", undefined],
      ["c", "success"],
      ["b", "success"],
    ]);
    recent.resize(1);
    expect(recent.list().map((call) => call.callId)).toEqual(["d", "c"]);
    recent.clear();
    expect(recent.list()).toEqual([]);
  });

  it("keeps a call's first 32 steps and counts the rest", () => {
    const recent = new RecentCalls(5, () => undefined);
    recent.record({ type: "call-start", callId: "long", route: "default", streaming: false });
    for (let attempt = 1; attempt <= 40; attempt++) {
      recent.record({
        type: "attempt",
        callId: "long",
        route: "default",
        target: "mini",
        provider: "upstream",
        model: "gpt-4o-mini",
        attempt,
        outcome: "error",
        ms: 1,
        costUsd: 0,
        possiblyBilled: false,
      });
    }
    const [call] = recent.list();
    expect(call?.trace).toHaveLength(32);
    expect(call?.moreSteps).toBe(8);
  });
});
