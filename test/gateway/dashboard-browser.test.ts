import { existsSync } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminKey,
  appKey,
  callThrough,
  type DashboardGateway,
  hostile,
  startDashboardGateway,
} from "./dashboard-fixture.js";

/** Debian's chromium (`apt-get install chromium`); CHROMIUM_PATH names another. */
const executablePath = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
  (path): path is string => path !== undefined && existsSync(path),
);
/** Where the screenshot goes (gitignored). */
const outputDir = join(import.meta.dirname, "../../test-output");

if (!executablePath && process.env.CI) {
  throw new Error("CI must run the dashboard's browser test: install chromium (.ci/run does)");
}
if (!executablePath) {
  console.warn(
    "dashboard browser test skipped: no chromium here (apt-get install chromium, or set CHROMIUM_PATH)",
  );
}

describe.skipIf(!executablePath)("the dashboard in a headless browser", () => {
  let started: DashboardGateway;
  let browser: Browser;
  beforeAll(async () => {
    started = await startDashboardGateway();
    browser = await chromium.launch({
      ...(executablePath ? { executablePath } : {}),
      // Root in a container has no user namespaces for chromium's sandbox.
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await started?.stop();
  });

  it("shows a call made through the gateway with its route, target and call id, and saves a screenshot", {
    timeout: 60_000,
  }, async () => {
    const context = await browser.newContext({ httpCredentials: { username: "admin", password: adminKey } });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      const response = await page.goto(`${started.gateway.url}/ui`);
      expect(response?.status()).toBe(200);
      await page.getByText("no calls yet").waitFor({ timeout: 10_000 });

      const { status, callId } = await callThrough(started.gateway, appKey);
      expect(status).toBe(200);
      const hostileCall = await callThrough(
        started.gateway,
        appKey,
        { model: "odd" },
        { "x-switchyard-metadata": JSON.stringify({ note: hostile }) },
      );
      const row = page.locator("tr.call", { hasText: callId ?? "no call id" });
      await row.waitFor({ timeout: 10_000 });
      expect(await row.locator(".call-route").textContent()).toBe("default");
      expect(await row.locator(".call-target").textContent()).toBe("mini · gpt-4o-mini");
      expect(await row.locator(".call-outcome").textContent()).toBe("success");
      await expect.poll(() => page.locator("#targets").textContent()).toContain("closed");

      // The hostile model name and metadata show as text; nothing of theirs ran or became an element.
      const odd = page.locator("tr.call", { hasText: hostileCall.callId ?? "no call id" });
      await odd.waitFor({ timeout: 10_000 });
      expect(await odd.locator(".call-target").textContent()).toBe(`odd · ${hostile}`);
      expect(await odd.locator(".call-labels").textContent()).toContain(`note=${hostile}`);
      expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator("img, iframe").count()).toBe(0);
      expect(await page.locator("script").count()).toBe(1);
      expect(errors).toEqual([]);

      await mkdir(outputDir, { recursive: true });
      const screenshot = join(outputDir, "dashboard.png");
      await page.screenshot({ path: screenshot, fullPage: true });
      expect((await stat(screenshot)).size).toBeGreaterThan(1000);
    } finally {
      await context.close();
    }
  });

  it("refuses the page to a browser without the key", { timeout: 30_000 }, async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      // Headless chromium has nobody to ask for credentials: the 401's challenge ends the navigation.
      await expect(page.goto(`${started.gateway.url}/ui`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
      expect(await page.locator("#calls").count()).toBe(0);
      const refused = await context.request.get(`${started.gateway.url}/ui`);
      expect(refused.status()).toBe(401);
      expect(refused.headers()["www-authenticate"]).toMatch(/^Basic /);
      expect(await refused.text()).not.toContain("<script");
    } finally {
      await context.close();
    }
  });
});
