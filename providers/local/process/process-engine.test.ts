import { spawnSync } from "node:child_process";
import { getEventListeners } from "node:events";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ensureLlamaModel } from "../../../local-engine/gguf/index.js";
import {
  EngineError,
  type EngineEvent,
  LocalEngine,
  MemoryFitError,
  QueueFullError,
} from "../../../local-engine/index.js";
import type { Message } from "../../../src/core/index.js";
import { ensureCompiledBuild } from "../../../test/support/ensure-compiled-build.js";
import { chatPromptTokens } from "../chat-prompt-tokens.js";
import type { EngineRun } from "../engine-handle.js";
import { listGpuDevicesInChild, ProcessEngine } from "./process-engine.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const modelPath = join(repoRoot, "models", "tiny-llama.gguf");
const hasNodeLlamaCpp = (() => {
  try {
    createRequire(import.meta.url).resolve("node-llama-cpp");
    return true;
  } catch {
    return false;
  }
})();
const base = { modelPath, gpu: "cpu", threads: 1, contextPerSlot: 512 } as const;
// 1000 lowercase letters or spaces: no end-of-generation token within any maxTokens used here.
const LONG_TEXT = "root ::= [a-z ]{1000}";
const messages: Message[] = [
  { role: "system", content: "you answer in short words" },
  { role: "user", content: "what is the sea" },
];

/** Engine child processes of this process, by pid. */
function engineChildren(): number[] {
  const listing = spawnSync("ps", ["-A", "-o", "pid=,ppid=,args="], { encoding: "utf8" }).stdout;
  return listing
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(
      ([, ppid, ...args]) => Number(ppid) === process.pid && args.join(" ").includes("engine-process.js"),
    )
    .map(([pid]) => Number(pid));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function collect(events: AsyncIterable<EngineEvent>): Promise<EngineEvent[]> {
  const all: EngineEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const tokenIds = (events: EngineEvent[]) => events.flatMap((event) => event.tokens.map((token) => token.id));

/** Waits until the run is decoding: its first tokens arrived. */
async function firstEvent(run: EngineRun): Promise<AsyncIterator<EngineEvent>> {
  const iterator = run[Symbol.asyncIterator]();
  expect((await iterator.next()).done).toBe(false);
  return iterator;
}

describe.skipIf(!hasNodeLlamaCpp)("ProcessEngine on the tiny test model", () => {
  let engine: ProcessEngine;
  let reference: LocalEngine;

  /** The in-process engine's greedy tokens for the same messages. */
  async function referenceRun(chat: readonly Message[], maxTokens: number) {
    const generation = reference.generate({
      prompt: chatPromptTokens(reference, chat),
      maxTokens,
      temperature: 0,
    });
    return { events: await collect(generation), completion: await generation.done };
  }

  beforeAll(async () => {
    await Promise.all([ensureCompiledBuild(), ensureLlamaModel({ path: modelPath })]);
    // queueLimit 0: a request beyond the two slots is refused at once.
    [engine, reference] = await Promise.all([
      ProcessEngine.start({ engine: { ...base, slots: 2, queueLimit: 0 }, label: "local@test" }),
      LocalEngine.load({ ...base, slots: 1 }),
    ]);
  }, 180_000);
  afterAll(() => Promise.all([engine?.close(), reference?.close()]));

  it("reports what the child loaded", () => {
    expect(engine.info).toMatchObject({ backend: "cpu", slots: 2, contextPerSlot: 512, threads: 1 });
    expect(engine.metrics().slots).toBe(2);
    expect(engine.unavailable()).toBeUndefined();
    expect(engine.pid).not.toBe(process.pid);
    expect(engineChildren()).toContain(engine.pid);
  });

  it("counts a prompt in the child as many tokens as the engine feeds the model", async () => {
    const run = engine.generateChat({ messages, maxTokens: 1, temperature: 0 });
    const counted = await engine.countChatPrompt({ messages });
    expect(counted).toBe(chatPromptTokens(reference, messages).length);
    expect(counted).toBe((await run.done).promptTokens);
  });

  it("rejects a count with the signal's reason when the signal aborts before the child answers", async () => {
    const controller = new AbortController();
    const reason = new Error("deadline");
    const counting = engine.countChatPrompt({ messages }, controller.signal);
    controller.abort(reason);
    await expect(counting).rejects.toBe(reason);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("generates what the in-process engine generates for the same messages", async () => {
    const run = engine.generateChat({ messages, maxTokens: 24, temperature: 0 });
    await run.accepted;
    const events = await collect(run);
    const completion = await run.done;
    const expected = await referenceRun(messages, 24);
    expect(tokenIds(events)).toEqual(tokenIds(expected.events));
    expect(completion).toMatchObject({
      text: expected.completion.text,
      finishReason: expected.completion.finishReason,
      promptTokens: expected.completion.promptTokens,
      completionTokens: expected.completion.completionTokens,
    });
  });

  it("streams each run's steps in order, and their texts make up the completion", async () => {
    const chats: Message[][] = [messages, [{ role: "user", content: "tell me about a river" }]];
    const runs = chats.map((chat) => engine.generateChat({ messages: chat, maxTokens: 40, temperature: 0 }));
    const streamed = await Promise.all(runs.map(collect));
    for (const [index, run] of runs.entries()) {
      const events = streamed[index]!;
      const completion = await run.done;
      expect(events.length).toBeGreaterThan(1);
      expect(events.map((event) => event.text).join("")).toBe(completion.text);
      expect(tokenIds(events)).toHaveLength(completion.completionTokens);
      // Decoded next to another slot, yet the same tokens in the same order as alone in-process.
      expect(tokenIds(events)).toEqual(tokenIds((await referenceRun(chats[index]!, 40)).events));
    }
  });

  it("aborts a run through its signal and leaves no listener on it", async () => {
    const controller = new AbortController();
    const run = engine.generateChat({
      messages,
      maxTokens: 400,
      temperature: 0,
      grammar: LONG_TEXT,
      signal: controller.signal,
    });
    const iterator = await firstEvent(run);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort();
    while (!(await iterator.next()).done);
    const completion = await run.done;
    expect(completion.finishReason).toBe("abort");
    expect(completion.completionTokens).toBeLessThan(400);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);

    const early = engine.generateChat({ messages, maxTokens: 8, signal: AbortSignal.abort() });
    await early.accepted;
    expect(await early.done).toMatchObject({ finishReason: "abort", completionTokens: 0 });
  });

  it("cancels a run when its iteration is left early", async () => {
    const run = engine.generateChat({ messages, maxTokens: 400, temperature: 0, grammar: LONG_TEXT });
    for await (const _event of run) break;
    const completion = await run.done;
    expect(completion.finishReason).toBe("abort");
    expect(completion.completionTokens).toBeLessThan(400);
  });

  it("reports busy slots while generating, from the child's figures", async () => {
    const before = engine.metrics().generatedTokens;
    const run = engine.generateChat({ messages, maxTokens: 400, temperature: 0, grammar: LONG_TEXT });
    expect(run.queued).toBe(true);
    const iterator = await firstEvent(run);
    expect(run.queued).toBe(false);
    // Each batch of tokens brings the figures of its step.
    expect(engine.metrics()).toMatchObject({ busySlots: 1, queueDepth: 0, slots: 2 });
    expect(engine.metrics().generatedTokens).toBeGreaterThan(before);
    await iterator.return?.();
    await run.done;
    await vi.waitFor(() => expect(engine.metrics().busySlots).toBe(0), { timeout: 3_000 });
  });

  it("refuses a request beyond the queue limit with the engine's QueueFullError", async () => {
    const stop = new AbortController();
    const busy = [0, 1].map(() =>
      engine.generateChat({ messages, maxTokens: 400, grammar: LONG_TEXT, signal: stop.signal }),
    );
    await Promise.all(busy.map(firstEvent));
    const refused = engine.generateChat({ messages, maxTokens: 4 });
    const error = await refused.accepted.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QueueFullError);
    expect(error).toMatchObject({ code: "QUEUE_FULL", limit: 0 });
    expect(await refused.done).toMatchObject({ finishReason: "error", error: (error as Error).message });
    stop.abort();
    for (const run of busy) expect((await run.done).finishReason).toBe("abort");
  });

  it("says a run waits in the child's queue until the child gives it a slot", async () => {
    const queueing = await ProcessEngine.start({
      engine: { ...base, slots: 1, queueLimit: 1 },
      label: "local@queue",
    });
    try {
      const stop = new AbortController();
      const first = queueing.generateChat({
        messages,
        maxTokens: 400,
        grammar: LONG_TEXT,
        signal: stop.signal,
      });
      await firstEvent(first);
      const second = queueing.generateChat({ messages, maxTokens: 2, grammar: LONG_TEXT });
      await second.accepted;
      expect([first.queued, second.queued]).toEqual([false, true]);
      stop.abort();
      expect((await first.done).finishReason).toBe("abort");
      expect((await second.done).finishReason).toBe("length");
      expect(second.queued).toBe(false);
    } finally {
      await queueing.close();
    }
  });

  it("refuses a request the engine rejects with the engine's code", async () => {
    const run = engine.generateChat({ messages, maxTokens: 4, grammar: "root ::= (" });
    await expect(run.accepted).rejects.toMatchObject({ name: "EngineError", code: "GRAMMAR" });
    expect((await run.done).finishReason).toBe("error");
  });

  it("lists the build's GPUs in a short-lived child: none on this CPU build, a typed error for a bad build", async () => {
    await expect(listGpuDevicesInChild({ gpu: "cpu" })).resolves.toEqual([]);
    await expect(listGpuDevicesInChild({ gpu: "auto" })).resolves.toEqual([]);
    const error = await listGpuDevicesInChild({ libraryDir: join(repoRoot, "no-such-build") }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).message).toContain("no-such-build");
    // The listing processes are gone: only the suite's own engine is left.
    expect(engineChildren()).toEqual([engine.pid]);
  });

  it("rejects start with the child's MODEL_LOAD error and leaves no child behind", async () => {
    const before = engineChildren();
    const missing = join(repoRoot, "models", "no-such-model.gguf");
    const error = await ProcessEngine.start({ engine: { ...base, modelPath: missing } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: "MODEL_LOAD", message: expect.stringContaining(missing) });
    expect(engineChildren()).toEqual(before);
  });

  it("rejects start with a MemoryFitError when the model does not fit", async () => {
    const error = await ProcessEngine.start({ engine: { ...base, availableMemoryBytes: 100 * 1024 } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MemoryFitError);
    expect((error as MemoryFitError).estimate.totalBytes).toBeGreaterThan(100 * 1024);
  });

  it("finishes in-flight runs with an error when the child dies, then restarts it", async () => {
    const crashing = await ProcessEngine.start({
      engine: { ...base, slots: 2 },
      label: "local@crash",
      restart: { initialDelayMs: 50 },
    });
    try {
      const firstPid = crashing.pid!;
      const running = crashing.generateChat({ messages, maxTokens: 400, grammar: LONG_TEXT });
      await firstEvent(running);
      // Stopped, the child cannot accept what comes next before it dies.
      process.kill(firstPid, "SIGSTOP");
      const unanswered = crashing.generateChat({ messages, maxTokens: 4 });
      process.kill(firstPid, "SIGKILL");

      const exited = "the engine process for local@crash exited (signal SIGKILL); restarting";
      expect(await running.done).toMatchObject({ finishReason: "error", error: exited });
      await expect(unanswered.accepted).rejects.toMatchObject({ code: "ENGINE_EXITED", message: exited });
      expect(crashing.unavailable()).toBe(exited);
      const meanwhile = crashing.generateChat({ messages, maxTokens: 4 });
      await expect(meanwhile.accepted).rejects.toMatchObject({ code: "ENGINE_EXITED" });
      expect(isRunning(firstPid)).toBe(false);

      await vi.waitFor(() => expect(crashing.unavailable()).toBeUndefined(), {
        timeout: 15_000,
        interval: 20,
      });
      expect(crashing.pid).not.toBe(firstPid);
      expect(crashing.info.slots).toBe(2);
      const again = crashing.generateChat({ messages, maxTokens: 24, temperature: 0 });
      await again.accepted;
      expect((await again.done).text).toBe((await referenceRun(messages, 24)).completion.text);
    } finally {
      await crashing.close();
    }
  }, 30_000);

  it("sends the child's stderr and its restarts to log instead of the parent's stderr", async () => {
    const lines: [string, string][] = [];
    // llama.cpp's own log, passed through to the child's stderr.
    vi.stubEnv("SWITCHYARD_LLAMA_LOG", "1");
    const logged = await ProcessEngine.start({
      engine: { ...base, slots: 1 },
      label: "local@log",
      restart: { initialDelayMs: 50 },
      log: (level, message) => lines.push([level, message]),
    }).finally(() => vi.unstubAllEnvs());
    try {
      await vi.waitFor(() =>
        expect(lines.some(([, line]) => line.includes("llama_model_loader"))).toBe(true),
      );
      expect(lines.every(([level, line]) => level === "warn" && line.startsWith("local@log: "))).toBe(true);
      process.kill(logged.pid!, "SIGKILL");
      await vi.waitFor(() =>
        expect(lines).toContainEqual([
          "error",
          "the engine process for local@log exited (signal SIGKILL); restarting",
        ]),
      );
    } finally {
      await logged.close();
    }
  }, 30_000);

  it("close() aborts pending runs, ends the child and starts none again", async () => {
    const closing = await ProcessEngine.start({ engine: { ...base, slots: 2 }, label: "local@close" });
    const pid = closing.pid!;
    const running = closing.generateChat({ messages, maxTokens: 400, grammar: LONG_TEXT });
    await firstEvent(running);
    await closing.close();
    // Reported by the child's engine (it counted the prompt), not made up when the child was gone.
    const completion = await running.done;
    expect(completion.finishReason).toBe("abort");
    expect(completion.promptTokens).toBeGreaterThan(0);
    expect(isRunning(pid)).toBe(false);
    expect(engineChildren()).not.toContain(pid);
    expect(closing.pid).toBeUndefined();
    await closing.close();
    await expect(closing.generateChat({ messages, maxTokens: 4 }).accepted).rejects.toMatchObject({
      code: "CLOSED",
    });
    expect(closing.unavailable()).toMatch(/closed/);
  }, 20_000);
});
