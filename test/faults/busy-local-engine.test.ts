import { describe, expect, it } from "vitest";
import {
  AllTargetsFailedError,
  createLocalProvider,
  InMemoryStateStore,
  type LanguageModel,
  type ProviderFactory,
  type ProviderStreamPart,
  QueueFullError,
} from "../../index.js";
import { startHarness } from "./support/fault-harness.js";

/** What the engine does with one call: refuse it (queue full), keep it queued, or take it and stall. */
type Behaviour = "full" | "queued" | "stalled" | "ok";

const { configSchema, capabilities } = createLocalProvider();

/**
 * A `type: local` provider whose engine behaves as `script` says, call by call (the last entry
 * repeats): it reports its queue through `watchQueue`, as the real local adapter does.
 */
function busyEngine(script: readonly Behaviour[]): ProviderFactory & { calls: number } {
  const engine = {
    type: "local",
    configSchema,
    capabilities,
    calls: 0,
    create(id: string) {
      return {
        id,
        type: "local",
        local: true,
        languageModel(model: string): LanguageModel {
          const stream = async (options: Parameters<LanguageModel["doStream"]>[0]) => {
            const behaviour = script[Math.min(engine.calls, script.length - 1)] ?? "ok";
            engine.calls++;
            if (behaviour === "full") throw new QueueFullError(`${id}:${model}`, 64);
            options.watchQueue?.(() => behaviour === "queued");
            async function* parts(): AsyncGenerator<ProviderStreamPart> {
              if (behaviour !== "ok") await new Promise(() => {});
              yield { type: "text-delta", text: "local" };
              yield { type: "finish", finishReason: "stop", usage: { inputTokens: 3, outputTokens: 1 } };
            }
            return { stream: parts(), warnings: [] };
          };
          return {
            provider: id,
            model,
            capabilities: { local: true, noTraining: true, streaming: true, contextWindow: 4096 },
            doStream: stream,
            async doGenerate(options) {
              const { stream: parts } = await stream(options);
              for await (const part of parts) {
                if (part.type === "finish") {
                  return {
                    text: "local",
                    toolCalls: [],
                    finishReason: "stop",
                    usage: part.usage,
                    warnings: [],
                  };
                }
              }
              throw new Error("no finish");
            },
          };
        },
      };
    },
  };
  return engine;
}

const messages = [{ role: "user" as const, content: "hi" }];

async function start(script: readonly Behaviour[]) {
  const engine = busyEngine(script);
  const store = new InMemoryStateStore();
  const { router } = await startHarness({
    targets: {},
    extraProviders: { engine: { type: "local", model: "./models/tiny-llama.gguf" } },
    extraTargets: { local: { provider: "engine", model: "tiny-llama" } },
    routes: { default: { targets: ["local"], firstTokenTimeoutMs: 20 } },
    providers: [engine],
    store,
  });
  return { engine, router, store };
}

describe("a busy local engine (issue 11)", () => {
  it("fails a call its full queue refused with QueueFullError, not NoEligibleTargetError", async () => {
    const { router } = await start(["full"]);
    for (const call of [() => router.chat({ messages }), () => router.stream({ messages }).result]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toSatisfy(QueueFullError.isInstance);
      expect(error).toMatchObject({ target: "engine:tiny-llama", limit: 64 });
      expect((error as QueueFullError).trace?.rejected).toEqual([
        {
          target: "local",
          policy: "rate-limit",
          reason: "engine:tiny-llama: admission queue is full (64 waiting)",
        },
      ]);
    }
    await router.close();
  });

  it("fails a request whose first-token timeout fired while it was queued with QueueFullError, once", async () => {
    const { engine, router } = await start(["queued"]);
    const error = await router.stream({ messages }).result.catch((caught: unknown) => caught);
    expect(error).toSatisfy(QueueFullError.isInstance);
    expect(error).toMatchObject({ waitedMs: 20 });
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: "QueueFullError",
      target: "engine:tiny-llama",
      waitedMs: 20,
      route: { route: "default", attempts: [] },
    });
    expect((error as Error).message).toBe(
      "engine:tiny-llama: no free slot within 20 ms (the request waited in the admission queue)",
    );
    // Queueing again at the back would only wait again: a busy target is not retried.
    expect(engine.calls).toBe(1);
    await router.close();
  });

  it("keeps the breaker closed through many queued timeouts and full queues, so the next call is served", async () => {
    const { router, store } = await start([
      ...Array<Behaviour>(20).fill("queued"),
      ...Array<Behaviour>(20).fill("full"),
      "ok",
    ]);
    const busy = await Promise.all(
      Array.from({ length: 40 }, () => router.chat({ messages }).catch((caught: unknown) => caught)),
    );
    expect(busy.every((error) => QueueFullError.isInstance(error))).toBe(true);
    const health = (await store.snapshot(["local"], [])).health.get("local");
    expect(health?.breaker ?? "closed").toBe("closed");
    expect(health?.windowFailures ?? 0).toBe(0);
    expect((await router.chat({ messages })).text).toBe("local");
    await router.close();
  });

  it("still counts a timeout after the engine gave the request a slot against the target", async () => {
    const { engine, router, store } = await start(["stalled"]);
    const failures = await Promise.all(
      Array.from({ length: 20 }, () => router.chat({ messages }).catch((caught: unknown) => caught)),
    );
    expect(failures.every((error) => AllTargetsFailedError.isInstance(error))).toBe(true);
    expect((failures[0] as AllTargetsFailedError).errors[0]).toMatchObject({ kind: "timeout" });
    expect(engine.calls).toBeGreaterThan(20);
    expect((await store.snapshot(["local"], [])).health.get("local")?.breaker).toBe("open");
    await router.close();
  });
});
