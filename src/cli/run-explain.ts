import { InvalidRequestError } from "../core/index.js";
import type { CliDependencies } from "./cli-dependencies.js";
import type { CliIo } from "./cli-io.js";
import { resolvePolicyPath } from "./resolve-policy-path.js";
import type { ParsedArgs } from "./run-cli.js";

/** `switchyard explain`: a dry run of the routing decision; no provider is called. */
export async function runExplain(
  args: ParsedArgs,
  io: CliIo,
  dependencies: CliDependencies,
): Promise<number> {
  const requestFile = args.values.request;
  if (!requestFile) throw new InvalidRequestError("--request", "name a JSON file with the request");
  let request: unknown;
  try {
    request = JSON.parse(await io.readFile(requestFile));
  } catch (error) {
    throw new InvalidRequestError(
      "--request",
      `${requestFile} is not readable JSON (${(error as Error).message})`,
    );
  }
  const router = await dependencies.createRouter({
    policy: resolvePolicyPath(args.values.policy, io, dependencies),
  });
  try {
    const plan = await router.explain(request as Parameters<typeof router.explain>[0], {
      streaming: args.values.stream,
    });
    const chosen = plan.ranked[0];
    const report = {
      route: plan.route,
      estimate: plan.estimate,
      rejected: plan.rejected,
      ranked: plan.ranked.map((candidate) => ({
        target: candidate.target.id,
        provider: candidate.target.provider,
        model: candidate.target.model,
        estimatedCostUsd: candidate.estimatedCostUsd,
      })),
      chosen: chosen?.target.id,
    };
    if (args.values.json) {
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    const lines = [
      `route ${report.route}: prompt ${plan.estimate.promptTokens} tokens, up to ${plan.estimate.maxOutputTokens} output tokens`,
      ...plan.rejected.map((entry) => `  ✗ ${entry.target} — ${entry.policy}: ${entry.reason}`),
      ...report.ranked.map(
        (entry, index) =>
          `  ${index + 1}. ${entry.target} (${entry.provider}:${entry.model}) ~$${entry.estimatedCostUsd.toFixed(6)}`,
      ),
      `chosen: ${report.chosen ?? "none"}`,
    ];
    io.stdout(`${lines.join("\n")}\n`);
    return 0;
  } finally {
    await router.close();
  }
}
