import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRouter, type Router, StreamInterruptedError, type SwitchyardError } from "../../index.js";
import type { PolicyFile } from "../../src/config/index.js";
import { ensureCompiledBuild } from "../../test/support/ensure-compiled-build.js";
import type { ChatGenerateRequest, EngineHandle, EngineRun } from "./engine-handle.js";
import { refusedRun } from "./in-process-engine.js";
import { createLocalProvider } from "./local-factory.js";
import { type EngineStart, startLocalEngine } from "./local-provider.js";
import type { ProcessEngine } from "./process/process-engine.js";

const model = fileURLToPath(new URL("../../models/tiny-llama.gguf", import.meta.url));

/**
 * This machine has no GPU: the device list is faked and each "GPU" engine is a real CPU engine on
 * the tiny model (the device index is recorded, then dropped, since a CPU engine takes none).
 */
function fakeGpus(
  count: number,
  wrap: (engine: EngineHandle, start: EngineStart) => EngineHandle = (e) => e,
) {
  const starts: EngineStart[] = [];
  const provider = createLocalProvider({
    listDevices: async () => Array.from({ length: count }, (_, index) => index),
    startEngine: async (start) => {
      starts.push(start);
      const { device: _device, ...options } = start.options;
      return wrap(await startLocalEngine({ ...start, options, isolation: "none" }), start);
    },
  });
  return { provider, starts };
}

function policy(extra: Partial<PolicyFile["providers"][string]> = {}): PolicyFile {
  return {
    providers: { gpus: { type: "local", model, slots: 2, threads: 1, devices: "all", ...extra } as never },
    targets: { tiny: { provider: "gpus", model: "tiny-llama" } },
    routes: { default: { targets: ["tiny"] } },
  };
}

const question = (content: string, system?: string) => ({
  messages: [
    ...(system ? [{ role: "system" as const, content: system }] : []),
    { role: "user" as const, content },
  ],
  maxTokens: 12,
  temperature: 0,
});

// Engines in child processes, and the GPU listing, run the compiled child entry.
beforeAll(() => ensureCompiledBuild(), 180_000);

let router: Router | undefined;
afterEach(async () => {
  await router?.close();
  router = undefined;
});

describe("one local engine per GPU", () => {
  it("starts an engine per listed GPU, each its own target named <target>@gpu<N>, isolated by default", async () => {
    const { provider, starts } = fakeGpus(2);
    router = await createRouter({ policy: policy(), providers: [provider] });
    expect(starts.map((start) => [start.label, start.options.device, start.isolation])).toEqual([
      ["gpus@gpu0", 0, "process"],
      ["gpus@gpu1", 1, "process"],
    ]);
    const result = await router.chat(question("Hello"));
    expect(result.route.target).toBe("tiny@gpu0");
    expect(result.route.ranked).toEqual(["tiny@gpu0", "tiny@gpu1"]);
  });

  it("takes the GPU indexes a policy lists", async () => {
    const { provider, starts } = fakeGpus(4);
    router = await createRouter({
      policy: policy({ devices: [2, 3], isolation: "none" }),
      providers: [provider],
    });
    expect(starts.map((start) => [start.label, start.options.device, start.isolation])).toEqual([
      ["gpus@gpu2", 2, "none"],
      ["gpus@gpu3", 3, "none"],
    ]);
  });

  it("spreads concurrent calls over the engines", async () => {
    const { provider } = fakeGpus(2);
    router = await createRouter({ policy: policy(), providers: [provider] });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) => router?.chat(question(`Question number ${index}`))),
    );
    const served = new Map<string, number>();
    for (const result of results) {
      const target = result?.route.target ?? "none";
      served.set(target, (served.get(target) ?? 0) + 1);
    }
    expect(served.get("tiny@gpu0")).toBe(4);
    expect(served.get("tiny@gpu1")).toBe(4);
  });

  it("sends a request to the engine that served its long prefix, even when another is first in order", async () => {
    const { provider } = fakeGpus(2);
    router = await createRouter({ policy: policy(), providers: [provider] });
    const systemA = `You answer questions about trains. ${"Trains run on rails. ".repeat(80)}`;
    const systemB = `You answer questions about ships. ${"Ships sail on water. ".repeat(80)}`;
    // Placed together, the two land on different engines.
    const [a, b] = await Promise.all([
      router.chat(question("First", systemA)),
      router.chat(question("First", systemB)),
    ]);
    expect(new Set([a.route.target, b.route.target])).toEqual(new Set(["tiny@gpu0", "tiny@gpu1"]));
    // One at a time, each follows its prefix, though both engines are idle.
    for (let round = 0; round < 2; round++) {
      expect((await router.chat(question(`Again ${round}`, systemB))).route.target).toBe(b.route.target);
      expect((await router.chat(question(`Again ${round}`, systemA))).route.target).toBe(a.route.target);
    }
    // The engine's KV cache really held it: most of the prompt was reused.
    const again = await router.chat(question("Once more", systemB));
    expect(again.usage.cachedInputTokens ?? 0).toBeGreaterThan(0.8 * again.usage.inputTokens);
  });

  it("takes only a failed engine's target out: calls go to the other engine and health ejects the dead one", async () => {
    let dead = false;
    const { provider } = fakeGpus(2, (engine, start) =>
      start.label.endsWith("gpu0") ? failingWhen(() => dead, engine) : engine,
    );
    router = await createRouter({ policy: policy(), providers: [provider] });
    expect((await router.chat(question("Before"))).route.target).toBe("tiny@gpu0");
    dead = true;
    const results = [];
    for (let index = 0; index < 8; index++) results.push(await router.chat(question(`During ${index}`)));
    expect(results.every((result) => result.route.target === "tiny@gpu1")).toBe(true);
    const failed = results
      .flatMap((result) => result.route.attempts)
      .filter((attempt) => attempt.outcome !== "success");
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((attempt) => attempt.target === "tiny@gpu0" && attempt.errorKind === "server")).toBe(
      true,
    );
    // After a few failures the health policy stops trying it at all.
    const last = results.at(-1);
    expect(last?.route.attempts.map((attempt) => attempt.target)).toEqual(["tiny@gpu1"]);
    expect(last?.route.rejected.some((rejection) => rejection.target === "tiny@gpu0")).toBe(true);
  });

  it("runs one unnamed engine when devices: all finds no GPU and gpu is auto", async () => {
    const { provider, starts } = fakeGpus(0);
    router = await createRouter({ policy: policy(), providers: [provider] });
    expect(starts.map((start) => start.label)).toEqual(["gpus"]);
    expect((await router.chat(question("Hello"))).route.target).toBe("tiny");
  });

  it("lists the GPUs itself when not told how: none on this machine, so one engine", async () => {
    const labels: string[] = [];
    const provider = createLocalProvider({
      startEngine: async (start) => {
        labels.push(start.label);
        return startLocalEngine({ ...start, isolation: "none" });
      },
    });
    router = await createRouter({ policy: policy(), providers: [provider] });
    expect(labels).toEqual(["gpus"]);
    expect((await router.chat(question("Hello"))).route.target).toBe("tiny");
  });

  it("fails to start when devices: all finds no GPU of the kind asked for", async () => {
    const { provider } = fakeGpus(0);
    await expect(createRouter({ policy: policy({ gpu: "cuda" }), providers: [provider] })).rejects.toThrow(
      /local provider gpus: devices: all found no cuda GPU/,
    );
  });
});

describe("engines in child processes (isolation: process)", () => {
  it("survives an engine's process being killed mid-stream: only that target fails, then it restarts", async () => {
    const engines = new Map<string, ProcessEngine>();
    const isolated = createLocalProvider({
      listDevices: async () => [0, 1],
      startEngine: async (start) => {
        const { device: _device, ...options } = start.options;
        const engine = (await startLocalEngine({ ...start, options })) as ProcessEngine;
        engines.set(start.label, engine);
        return engine;
      },
    });
    router = await createRouter({ policy: policy({ contextPerSlot: 1024 }), providers: [isolated] });
    const gpu0 = engines.get("gpus@gpu0");
    expect(gpu0?.pid).toBeGreaterThan(0);
    expect(gpu0?.pid).not.toBe(process.pid);

    // A long answer on gpu0; its process is killed once tokens have reached the caller.
    const stream = router.stream({ ...question("Tell a long story"), maxTokens: 600 });
    let killed = false;
    let error: unknown;
    try {
      for await (const part of stream) {
        if (part.type === "text-delta" && !killed) {
          killed = true;
          process.kill(gpu0?.pid ?? 0, "SIGKILL");
        }
        if (part.type === "error") error = part.error;
      }
      await stream.result;
    } catch (caught) {
      error = caught;
    }
    expect(killed).toBe(true);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect((error as SwitchyardError).message).toMatch(/tiny@gpu0/);

    // This process is fine, and the other engine answers meanwhile.
    const meanwhile = await router.chat(question("Still there?"));
    expect(meanwhile.route.target).toBe("tiny@gpu1");
    // The killed engine comes back (restart after 0.5 s) and takes calls again.
    for (let waited = 0; gpu0?.unavailable() !== undefined && waited < 30_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(gpu0?.unavailable()).toBeUndefined();
    expect((await router.chat(question("Back again?"))).route.target).toBe("tiny@gpu0");
  }, 60_000);
});

/** An engine whose process died: refuses while `down()` says so, the way a restarting child does. */
function failingWhen(down: () => boolean, engine: EngineHandle): EngineHandle {
  const reason = "the engine process for gpus@gpu0 exited (signal SIGKILL); restarting";
  return {
    get info() {
      return engine.info;
    },
    generateChat(request: ChatGenerateRequest): EngineRun {
      if (!down()) return engine.generateChat(request);
      return refusedRun(Object.assign(new Error(reason), { code: "ENGINE_EXITED" }));
    },
    metrics: () => engine.metrics(),
    unavailable: () => undefined,
    close: () => engine.close(),
  };
}
