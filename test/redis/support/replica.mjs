// One router replica in a process of its own, driven by its parent over IPC
// (test/redis/support/replica-process.ts). Plain JavaScript over the compiled package:
// the parent passes the compiled folder in SWITCHYARD_DIST.
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const dist = process.env.SWITCHYARD_DIST ?? "";
const { createRouter } = await import(pathToFileURL(join(dist, "index.js")).href);
const { RedisStateStore } = await import(pathToFileURL(join(dist, "src", "state", "redis", "index.js")).href);

let router;
const events = [];

function crash(reason) {
  process.send?.({ type: "crash", message: String(reason?.stack ?? reason) });
  process.exitCode = 1;
}
process.on("unhandledRejection", crash);
process.on("uncaughtException", crash);

function tally(counts, key) {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * Runs calls on `concurrency` lanes until `count` were started or `durationMs` passed; then the
 * calls in flight finish, or with `abortAtEnd` are aborted (callers still queued in a limiter).
 */
async function runCalls({ request, count, concurrency = 1, durationMs, abortAtEnd = false }) {
  const summary = { succeeded: 0, costUsd: 0, targets: {}, errors: {}, messages: [] };
  const controller = new AbortController();
  const stop = new AbortController();
  const timer =
    durationMs === undefined
      ? undefined
      : setTimeout(() => {
          stop.abort();
          if (abortAtEnd) controller.abort();
        }, durationMs);
  let started = 0;
  const lane = async () => {
    while ((count === undefined || started < count) && !stop.signal.aborted) {
      started += 1;
      try {
        const result = await router.chat({ ...request, signal: controller.signal });
        summary.succeeded += 1;
        summary.costUsd += result.costUsd;
        tally(summary.targets, result.route.target);
      } catch (error) {
        tally(summary.errors, error?.name ?? "Error");
        if (summary.messages.length < 5) summary.messages.push(String(error?.message ?? error));
        // A refusal can settle without any I/O (fail-closed while Redis is down): let timers run.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  clearTimeout(timer);
  return summary;
}

async function handle(message) {
  switch (message.type) {
    case "start": {
      const state = message.store
        ? await RedisStateStore.connect({ ...message.store, onEvent: (event) => events.push(event) })
        : undefined;
      router = await createRouter({
        policy: message.policy,
        ...(state ? { state } : {}),
        onEvent: (event) => {
          if (event.type === "state" && !state) events.push(event);
        },
      });
      return {};
    }
    case "calls":
      return runCalls(message);
    case "events":
      return { events };
    case "close":
      await router?.close();
      router = undefined;
      return {};
    default:
      throw new Error(`unknown command ${message.type}`);
  }
}

process.on("message", (message) => {
  handle(message).then(
    (reply) => process.send?.({ id: message.id, ok: true, reply }),
    (error) =>
      process.send?.({
        id: message.id,
        ok: false,
        error: { name: error?.name ?? "Error", message: String(error?.message ?? error) },
      }),
  );
});
// The parent is gone (a test runner killed mid-run): nothing will close this replica, so end it.
process.on("disconnect", () => process.exit(process.exitCode ?? 0));
process.send?.({ type: "ready" });
