import { createHash } from "node:crypto";

/*
 * The dashboard: one static page, no build step and no network beyond its own origin. Its script
 * polls /ui/state and builds every cell with textContent, never markup from data: a model name,
 * tag or metadata value is shown as the characters it is. The CSP allows only this script and
 * style (by hash), so even markup that got in would not run.
 */

const style = `
:root { color-scheme: light dark; --line: #8884; --muted: #888; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; }
* { box-sizing: border-box; }
body { font: 13px/1.4 system-ui, sans-serif; margin: 0; padding: 12px 16px 32px; }
header { display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
h1 { font-size: 18px; margin: 0; }
h2 { font-size: 14px; margin: 20px 0 6px; }
#status { color: var(--muted); }
#status.stale { color: var(--bad); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, monospace; font-size: 12px; }
.closed, .success { color: var(--ok); }
.open, .error { color: var(--bad); }
.half-open, .aborted, .running { color: var(--warn); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 0 24px; }
.empty { color: var(--muted); font-style: italic; }
ol.trace { margin: 0; padding-left: 18px; }
`;

const script = `
"use strict";
const pollMs = 1500;
function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) {
    if (child === undefined || child === null) continue;
    node.append(typeof child === "string" || typeof child === "number" ? String(child) : child);
  }
  return node;
}
function num(value) { return el("td", "num", value); }
function usd(value) { return typeof value === "number" ? "$" + value.toFixed(6) : ""; }
function ms(value) { return typeof value === "number" ? Math.round(value) + " ms" : ""; }
function when(epochMs) { return typeof epochMs === "number" ? new Date(epochMs).toLocaleTimeString() : ""; }
function table(id, head, rows, empty) {
  const holder = document.getElementById(id);
  if (rows.length === 0) { holder.replaceChildren(el("p", "empty", empty)); return; }
  const thead = el("thead", "", el("tr", "", ...head.map((name) => el("th", "", name))));
  holder.replaceChildren(el("table", "", thead, el("tbody", "", ...rows)));
}
function limits(limiter) {
  if (!limiter) return "none";
  const parts = Object.entries(limiter.limits).map(([name, value]) => name + " " + value);
  return parts.join(", ") + (limiter.expectedWaitMs > 0 ? " · wait " + ms(limiter.expectedWaitMs) : "");
}
function renderRoutes(state) {
  const spend = state.usage ? state.usage.routes : {};
  table("routes", ["route", "strategy", "targets", "fallback", "spent today", "daily budget"],
    state.status.routes.map((route) => el("tr", "",
      el("td", "mono", route.name + (route.name === state.status.defaultRoute ? " (default)" : "")),
      el("td", "", route.strategy), el("td", "mono", route.targets.join(", ")),
      el("td", "mono", route.fallback), num(usd((spend[route.name] || {}).costUsd || 0)),
      num(route.dailyUsd === undefined ? "" : usd(route.dailyUsd)))), "no routes");
}
function renderTargets(state) {
  table("targets", ["target", "provider", "model", "breaker", "failures", "window", "ttft", "in flight", "limiter", "paused / ejected"],
    state.status.targets.map((target) => {
      const health = target.health;
      const until = [target.pausedUntil ? "paused to " + when(target.pausedUntil) : "",
        health.ejectedUntil ? "ejected to " + when(health.ejectedUntil) : ""].filter(Boolean).join(", ");
      return el("tr", "",
        el("td", "mono", target.id), el("td", "mono", target.provider), el("td", "mono", target.model),
        el("td", health.breaker, health.breaker), num(health.consecutiveFailures),
        num(health.windowFailures + " / " + health.windowCalls),
        num(target.latency ? ms(target.latency.ttftMs) + " (p95 " + ms(target.latency.ttftP95Ms) + ")" : ""),
        num(target.inFlight + (target.engine ? " · slots " + target.engine.busySlots + "/" + target.engine.slots + " · queue " + target.engine.queueDepth : "")),
        el("td", "", limits(target.limiter)), el("td", "", until));
    }), "no targets");
}
function spendRows(entries) {
  return Object.entries(entries).sort((a, b) => b[1].costUsd - a[1].costUsd).map(([name, totals]) =>
    el("tr", "", el("td", "mono", name), num(usd(totals.costUsd)), num(totals.inputTokens), num(totals.outputTokens)));
}
function renderSpend(state) {
  const holder = document.getElementById("spend-error");
  holder.textContent = state.usageError ? "spend unavailable: " + state.usageError : "";
  const usage = state.usage || { routes: {}, targets: {}, providers: {}, total: { costUsd: 0 }, day: "" };
  document.getElementById("spend-total").textContent = usage.day ? usd(usage.total.costUsd) + " on " + usage.day + " (UTC)" : "";
  const head = ["name", "US$", "input tokens", "output tokens"];
  table("spend-tags", head, spendRows(state.tags), "no tagged spend today");
  table("spend-targets", head, spendRows(usage.targets), "no spend today");
  table("spend-providers", head, spendRows(usage.providers), "no spend today");
}
function renderKeys(state) {
  table("keys", ["key", "routes", "limits", "spent today", "daily budget"],
    state.keys.map((key) => el("tr", "", el("td", "mono", key.name), el("td", "mono", key.routes ? key.routes.join(", ") : "all"),
      el("td", "", Object.entries(key.limits).map(([name, value]) => name + " " + value).join(", ") || "none"),
      num(usd(key.spentUsd)), num(key.dailyUsd === undefined ? "" : usd(key.dailyUsd)))),
    "no virtual keys (the gateway takes no key)");
}
function traceList(call) {
  const steps = call.trace.map((step) => step.type === "attempt"
    ? el("li", step.outcome === "success" ? "success" : "error",
        step.target + " #" + step.attempt + (step.hedge ? " (hedge)" : "") + ": " + step.outcome +
        (step.status ? " " + step.status : "") + (step.errorKind ? " " + step.errorKind : "") + " · " + ms(step.ms) + " · " + usd(step.costUsd))
    : el("li", "", "fallback " + step.from + " → " + step.to + " (" + step.reason + ")"));
  if (call.moreSteps) steps.push(el("li", "", call.moreSteps + " more steps"));
  return steps.length ? el("ol", "trace", ...steps) : "";
}
function renderCalls(state) {
  table("calls", ["started", "call id", "route", "key", "outcome", "target", "latency", "cost", "trace", "tags / metadata"],
    state.calls.map((call) => {
      const outcome = call.outcome || "running";
      const labels = [...call.tags, ...Object.entries(call.metadata).map(([name, value]) => name + "=" + value)];
      return el("tr", "call",
        el("td", "", when(call.startedAt)), el("td", "mono call-id", call.callId), el("td", "mono call-route", call.route),
        el("td", "mono", call.key), el("td", outcome + " call-outcome", outcome + (call.streaming ? " (stream)" : "")),
        el("td", "mono call-target", call.target + (call.model ? " · " + call.model : "")), num(ms(call.latencyMs)),
        num(usd(call.costUsd)), el("td", "", traceList(call), call.error ? el("div", "error", call.error) : ""),
        el("td", "mono call-labels", labels.join(" · ")));
    }), "no calls yet");
}
function render(state) {
  document.getElementById("gateway").textContent = state.gateway.inFlight + " requests in flight" +
    (state.gateway.draining ? " · draining" : "");
  if (state.status) { renderRoutes(state); renderTargets(state); }
  document.getElementById("status-error").textContent = state.statusError ? "router state unavailable: " + state.statusError : "";
  renderSpend(state);
  renderKeys(state);
  renderCalls(state);
}
async function poll() {
  const status = document.getElementById("status");
  try {
    const response = await fetch("/ui/state", { cache: "no-store", credentials: "same-origin" });
    if (!response.ok) throw new Error("the gateway answered " + response.status);
    render(await response.json());
    status.className = "";
    status.textContent = "updated " + new Date().toLocaleTimeString();
  } catch (error) {
    status.className = "stale";
    status.textContent = "not updated: " + (error && error.message ? error.message : String(error));
  }
  setTimeout(poll, pollMs);
}
poll();
`;

const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Switchyard gateway</title>
<style>${style}</style>
</head>
<body>
<header><h1>Switchyard gateway</h1><span id="gateway"></span><span id="status">loading…</span></header>
<h2>Routes</h2><p id="status-error" class="error"></p><div id="routes"></div>
<h2>Targets</h2><div id="targets"></div>
<h2>Spend today <span id="spend-total"></span></h2><p id="spend-error" class="error"></p>
<div class="grid">
<section><h2>By tag</h2><div id="spend-tags"></div></section>
<section><h2>By target</h2><div id="spend-targets"></div></section>
<section><h2>By provider</h2><div id="spend-providers"></div></section>
</div>
<h2>Keys</h2><div id="keys"></div>
<h2>Last calls</h2><div id="calls"></div>
<script>${script}</script>
</body>
</html>
`;

function sourceHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/** The page and the headers it is served with. */
export const dashboardPage = {
  html: body,
  headers: {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": [
      "default-src 'none'",
      `script-src ${sourceHash(script)}`,
      `style-src ${sourceHash(style)}`,
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join("; "),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
  },
} as const;
