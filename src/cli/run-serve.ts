import type { CliDependencies } from "./cli-dependencies.js";
import type { CliIo } from "./cli-io.js";
import { integerFlag } from "./flag-values.js";
import { helpOption, parseCommandLine } from "./parse-command-line.js";
import { resolvePolicyPath } from "./resolve-policy-path.js";
import { commandUsage } from "./usage.js";
import { UsageError } from "./usage-error.js";

const serveOptions = {
  ...helpOption,
  policy: { type: "string" },
  host: { type: "string", default: "127.0.0.1" },
  port: { type: "string", default: "4000" },
  "drain-ms": { type: "string" },
} as const;

const loopbackHosts = new Set(["127.0.0.1", "::1", "localhost"]);

/**
 * `switchyard serve`: the gateway until SIGTERM or Ctrl-C, which drain it (calls and streams in
 * flight finish within the grace period); SIGHUP reloads the policy.
 */
export async function runServe(argv: string[], io: CliIo, dependencies: CliDependencies): Promise<number> {
  const { values, positionals } = parseCommandLine("serve", argv, serveOptions);
  if (values.help) {
    io.stdout(`${commandUsage.serve}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments (got "${positionals[0]}")`);
  const port = integerFlag("--port", values.port) ?? 4000;
  if (port > 65_535) throw new UsageError(`--port expects 0–65535 (got ${port})`);
  const drainMs = integerFlag("--drain-ms", values["drain-ms"]);
  if (!dependencies.startGateway) throw new Error("this build of the CLI has no gateway");
  const policy = resolvePolicyPath(values.policy, io, dependencies);
  const gateway = await dependencies.startGateway({ policy, host: values.host, port, env: io.env });
  io.stderr(`switchyard gateway listening on ${gateway.url} (policy ${policy})\n`);
  if (!gateway.requiresKey && !loopbackHosts.has(values.host)) {
    io.stderr(
      `warning: ${values.host} is reachable from other machines and the policy lists no gateway.keys: anyone who reaches it can spend\n`,
    );
  }
  const cleanups: (() => void)[] = [];
  const signal = await new Promise<string>((resolve) => {
    const onInterrupt = () => resolve("SIGINT");
    io.signal?.addEventListener("abort", onInterrupt, { once: true });
    cleanups.push(() => io.signal?.removeEventListener("abort", onInterrupt));
    const offTerm = io.onSignal?.("SIGTERM", () => resolve("SIGTERM"));
    const offHup = io.onSignal?.("SIGHUP", () => {
      gateway.reload().then(
        () => io.stderr("policy reloaded\n"),
        (error: unknown) =>
          io.stderr(
            `policy reload failed, the last good policy stays: ${error instanceof Error ? error.message : String(error)}\n`,
          ),
      );
    });
    if (offTerm) cleanups.push(offTerm);
    if (offHup) cleanups.push(offHup);
  });
  for (const cleanup of cleanups) cleanup();
  io.stderr(`${signal}: draining calls in flight, then closing\n`);
  await gateway.close(drainMs !== undefined ? { graceMs: drainMs } : {});
  io.stderr("closed\n");
  return 0;
}
