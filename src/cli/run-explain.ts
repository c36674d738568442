import { resolve } from "node:path";
import { formatUsd } from "../core/errors/format-usd.js";
import {
  type ChatRequest,
  InvalidRequestError,
  NoEligibleTargetError,
  type RejectedCandidate,
  type RouteSelection,
} from "../core/index.js";
import type { CachePreview } from "../router/cached-call.js";
import type { Router } from "../router/router.js";
import { ensureBundledModel } from "./bundled-model.js";
import type { CliDependencies } from "./cli-dependencies.js";
import type { CliIo } from "./cli-io.js";
import { loadProgress } from "./load-progress.js";
import { helpOption, parseCommandLine } from "./parse-command-line.js";
import { resolvePolicyPath } from "./resolve-policy-path.js";
import { commandUsage } from "./usage.js";
import { UsageError } from "./usage-error.js";

const explainOptions = {
  ...helpOption,
  policy: { type: "string" },
  request: { type: "string" },
  stream: { type: "boolean", default: false },
  json: { type: "boolean", default: false },
} as const;

/** What `explain --json` prints. */
export interface ExplainReport {
  route: string;
  /** How the route was chosen, when the policy has `select` rules. */
  selection?: RouteSelection;
  /** Absent when no target qualified (the plan stopped before ranking). */
  estimate?: { promptTokens: number; maxOutputTokens: number };
  rejected: RejectedCandidate[];
  ranked: {
    target: string;
    provider: string;
    model: string;
    estimatedCostUsd: number;
    /** Where the target's price came from: the policy, the model catalog, or none (a local target). */
    priceSource: "policy" | "catalog" | "none";
  }[];
  /** The target a call would try first; null when none qualifies. */
  chosen: string | null;
  /** Estimated cost of one attempt on the chosen target at full maxTokens, US dollars. */
  estimatedCostUsd: number | null;
  /** Whether the route's response cache would serve the request (absent when the route has none). */
  cache?: CachePreview;
}

/**
 * `switchyard explain`: a dry run of the routing decision; no provider is called. Exits 1 when
 * no target qualifies, after showing why each was rejected.
 */
export async function runExplain(argv: string[], io: CliIo, dependencies: CliDependencies): Promise<number> {
  const { values, positionals } = parseCommandLine("explain", argv, explainOptions);
  if (values.help) {
    io.stdout(`${commandUsage.explain}\n`);
    return 0;
  }
  if (!values.request) throw new UsageError("name a JSON file with the request: --request request.json");
  if (positionals.length > 0) {
    throw new UsageError(`explain takes the request from --request, not "${positionals.join(" ")}"`);
  }
  const request = await readRequest(resolve(io.cwd, values.request), io);
  const policy = resolvePolicyPath(values.policy, io, dependencies);
  await ensureBundledModel(policy, io, dependencies);
  const progress = loadProgress(io);
  let router: Router;
  try {
    router = await dependencies.createRouter({
      policy,
      env: io.env,
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
    });
  } finally {
    progress.end();
  }
  let report: ExplainReport;
  try {
    report = await plan(router, request, values.stream);
  } finally {
    await router.close();
  }
  io.stdout(`${values.json ? JSON.stringify(report, null, 2) : formatReport(report, values.stream)}\n`);
  return report.chosen === null ? 1 : 0;
}

async function plan(router: Router, request: ChatRequest, streaming: boolean): Promise<ExplainReport> {
  try {
    const plan = await router.explain(request, { streaming });
    const ranked = plan.ranked.map((candidate) => ({
      target: candidate.target.id,
      provider: candidate.target.provider,
      model: candidate.target.model,
      estimatedCostUsd: candidate.estimatedCostUsd,
      priceSource: candidate.target.priceSource ?? "policy",
    }));
    const chosen = ranked[0];
    return {
      route: plan.route,
      ...(plan.selection ? { selection: plan.selection } : {}),
      estimate: plan.estimate,
      rejected: plan.rejected,
      ranked,
      chosen: chosen?.target ?? null,
      estimatedCostUsd: chosen?.estimatedCostUsd ?? null,
      ...(plan.cache ? { cache: plan.cache } : {}),
    };
  } catch (error) {
    if (!NoEligibleTargetError.isInstance(error)) throw error;
    return { route: error.route, rejected: error.rejected, ranked: [], chosen: null, estimatedCostUsd: null };
  }
}

/** Why this route: the rule that chose it, or the default when no rule matched. */
function selectedBy(selection: RouteSelection | undefined): string {
  if (!selection || selection.by === "request") return "";
  return selection.by === "rule"
    ? ` (chosen by select[${selection.rule}])`
    : " (no select rule matched: the default route)";
}

function formatReport(report: ExplainReport, streaming: boolean): string {
  const candidates = report.rejected.length + report.ranked.length;
  const estimate = report.estimate
    ? `prompt ${report.estimate.promptTokens} tokens, up to ${report.estimate.maxOutputTokens} output tokens`
    : "no target qualifies";
  const lines = [
    `route ${report.route}${selectedBy(report.selection)}${streaming ? " (streaming)" : ""}: ${estimate}`,
    `candidates: ${candidates} (${report.ranked.length} eligible, ${report.rejected.length} rejected)`,
    ...report.rejected.map((entry) => `  ✗ ${entry.target} — rejected by ${entry.policy}: ${entry.reason}`),
    ...report.ranked.map(
      (entry, index) =>
        `  ${index + 1}. ${entry.target} (${entry.provider}:${entry.model}) ~${formatUsd(entry.estimatedCostUsd)}${entry.priceSource === "catalog" ? " (catalog price)" : ""}`,
    ),
  ];
  const chosen = report.ranked[0];
  lines.push(
    chosen
      ? `chosen: ${chosen.target} (${chosen.provider}:${chosen.model}), estimated cost ~${formatUsd(chosen.estimatedCostUsd)} per attempt at full maxTokens`
      : "chosen: none — no target of this route can serve the request",
  );
  if (report.cache) lines.push(cacheLine(report.cache));
  return lines.join("\n");
}

function cacheLine(cache: CachePreview): string {
  if (cache.status === "hit") {
    const stored = cache.cachedAt === undefined ? "" : ` stored ${new Date(cache.cachedAt).toISOString()}`;
    return `cache: hit — served from the cache (answer of ${cache.target ?? "?"}${stored}), no target called`;
  }
  return `cache: ${cache.status} — ${cache.reason ?? ""}`;
}

/** The request file as JSON; what is in it is validated by the router, naming each bad field. */
async function readRequest(file: string, io: CliIo): Promise<ChatRequest> {
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (error) {
    const code =
      typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
    const reason = code === "ENOENT" ? "the file does not exist" : String((error as Error).message);
    throw new InvalidRequestError("--request", `cannot read ${file}: ${reason}`);
  }
  try {
    return JSON.parse(text) as ChatRequest;
  } catch (error) {
    throw new InvalidRequestError("--request", `${file} is not valid JSON (${(error as Error).message})`);
  }
}
