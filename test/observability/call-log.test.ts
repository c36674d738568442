import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type CallLogLine,
  type CallLogOptions,
  callLogLineSchema,
  InvalidOptionsError,
  type Logger,
} from "../../index.js";
import { functionCallLog, streamCallLog } from "../../src/telemetry/call-log-writer.js";
import { RouterLogger } from "../../src/telemetry/router-logger.js";
import { reasoningReply } from "../ai-sdk/openai-replies.js";
import { startHarness } from "../faults/support/fault-harness.js";
import { openaiShape } from "../faults/support/provider-shapes.js";
import { answer, fail, hang, type Reply } from "../faults/support/replies.js";
import { leakedSecrets } from "../faults/support/secret-scan.js";
import { Upstream } from "../faults/support/upstream.js";
import { useMswServer } from "../support/msw-server.js";

useMswServer();

const canary = "test-canary-not-a-real-key-calllog-3a9f0c";

/** Callers of hanging calls, by prompt: each leaves once its request reached the upstream. */
const leaving = new Map<string, AbortController>();

/** Answers, fails or hangs by what the prompt asks for, so concurrent calls each get their fault. */
const byPrompt: Reply = (call, shape) => {
  const prompt = JSON.stringify(call.body.messages);
  if (prompt.includes("hang")) {
    for (const [content, controller] of leaving) {
      if (prompt.includes(`"${content}"`)) setTimeout(() => controller.abort(new Error("caller left")), 5);
    }
    return hang()(call, shape);
  }
  if (prompt.includes("fail"))
    return fail("server", { message: `bad gateway for key ${canary}` })(call, shape);
  return answer("fine", { inputTokens: 7, outputTokens: 3 })(call, shape);
};

/** 100 concurrent calls, half of them streams: a third fall back to the spare route, a tenth are aborted. */
async function runFaultyCalls(callLog: CallLogOptions) {
  leaving.clear();
  const a = new Upstream("a", openaiShape, { apiKey: canary }).replies(byPrompt);
  const b = new Upstream("b", openaiShape).replies(answer("spare", { inputTokens: 5, outputTokens: 2 }));
  const { router } = await startHarness({
    targets: { a: { upstream: a, maxAttempts: 1 }, b },
    routes: { default: { targets: ["a"], fallback: "spare" }, spare: { targets: ["b"] } },
    router: { callLog },
  });
  const outcomes = await Promise.all(
    Array.from({ length: 100 }, async (_, index) => {
      const kind = index % 10 === 0 ? "hang" : index % 3 === 0 ? "fail" : "ok";
      const controller = new AbortController();
      if (kind === "hang") leaving.set(`${kind} ${index}`, controller);
      const request = {
        messages: [{ role: "user" as const, content: `${kind} ${index}` }],
        tags: [`t${index % 4}`],
        maxTokens: 50,
        signal: controller.signal,
      };
      const done = index % 2 === 0 ? router.chat(request) : router.stream(request).result;
      return done.then(
        (result) => ({ callId: result.route.callId, outcome: "success", kind }),
        (error: { callId: string }) => ({ callId: error.callId, outcome: "failed", kind }),
      );
    }),
  );
  await router.close();
  return outcomes;
}

function parsed(lines: string[]): CallLogLine[] {
  return lines.map((line) => callLogLineSchema.parse(JSON.parse(line)));
}

function expectOneLinePerCall(lines: CallLogLine[], outcomes: Awaited<ReturnType<typeof runFaultyCalls>>) {
  expect(lines).toHaveLength(100);
  const byId = new Map(lines.map((line) => [line.callId, line]));
  expect(byId.size).toBe(100);
  for (const call of outcomes) {
    const line = byId.get(call.callId);
    expect(line, call.callId).toBeDefined();
    if (!line) continue;
    expect(line.request).toMatchObject({ maxTokens: 50, tools: 0, messages: 1 });
    expect(line.tags).toHaveLength(1);
    if (call.kind === "hang") {
      expect(line.outcome).toBe("aborted");
      expect(line.attempts.map((attempt) => attempt.outcome)).toEqual(["aborted"]);
    } else if (call.kind === "fail") {
      expect(line).toMatchObject({
        outcome: "success",
        target: "b",
        fallbacks: [{ from: "default", to: "spare" }],
      });
      expect(line.attempts.map((attempt) => [attempt.target, attempt.outcome, attempt.status])).toEqual([
        ["a", "error", 500],
        ["b", "success", undefined],
      ]);
      expect(line.costUsd).toBeCloseTo(
        line.attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0),
        12,
      );
    } else {
      expect(line).toMatchObject({
        outcome: "success",
        target: "a",
        usage: { inputTokens: 7, outputTokens: 3 },
      });
      expect(line.ranked).toEqual(["a"]);
    }
    // No content unless asked for.
    expect(line.content).toBeUndefined();
  }
}

describe("the call log", { timeout: 30_000 }, () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "switchyard-call-log-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("appends exactly one parseable line per call to a file for 100 concurrent calls with faults", {
    timeout: 30_000,
  }, async () => {
    const path = join(dir, "calls.jsonl");
    const outcomes = await runFaultyCalls({ path });
    const text = await readFile(path, "utf8");
    expect(text.endsWith("\n")).toBe(true);
    expectOneLinePerCall(parsed(text.trimEnd().split("\n")), outcomes);
    expect(leakedSecrets(text, [canary])).toEqual([]);
    expect(text).toContain("[REDACTED]");
  });

  it("hands exactly one line per call to a function, with the same content", {
    timeout: 30_000,
  }, async () => {
    const lines: string[] = [];
    const outcomes = await runFaultyCalls({ write: (line) => void lines.push(line) });
    expectOneLinePerCall(parsed(lines), outcomes);
    expect(leakedSecrets(lines, [canary])).toEqual([]);
  });

  it("is flushed by close: calls that close stopped are in the file once it resolves", async () => {
    const path = join(dir, "closing.jsonl");
    const pending: Promise<unknown>[] = [];
    const a = new Upstream("a", openaiShape).replies(hang());
    const { router } = await startHarness({ targets: { a }, router: { callLog: { path } } });
    for (let index = 0; index < 10; index++)
      pending.push(router.chat({ messages: [{ role: "user", content: "x" }] }).catch(() => {}));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await router.close();
    const lines = parsed((await readFile(path, "utf8")).trimEnd().split("\n"));
    expect(lines.map((line) => line.outcome)).toEqual(Array(10).fill("aborted"));
    expect(lines.every((line) => line.error?.type === "RouterClosedError")).toBe(true);
    await Promise.all(pending);
  });

  it("waits at close for a function's writes still pending", async () => {
    const written: string[] = [];
    const a = new Upstream("a", openaiShape).replies(answer());
    const { router } = await startHarness({
      targets: { a },
      router: {
        callLog: {
          write: (line) =>
            new Promise<void>((resolve) =>
              setTimeout(() => {
                written.push(line);
                resolve();
              }, 30),
            ),
        },
      },
    });
    await router.chat({ messages: [{ role: "user", content: "x" }] });
    expect(written).toHaveLength(0);
    await router.close();
    expect(written).toHaveLength(1);
  });

  it("records the request's messages and the answer only when content is asked for", async () => {
    const lines: string[] = [];
    const a = new Upstream("a", openaiShape).replies(answer("the answer"));
    const { router } = await startHarness({
      targets: { a },
      router: { callLog: { write: (line) => void lines.push(line), content: true, metadata: true } },
    });
    await router.chat({
      messages: [{ role: "user", content: "the question" }],
      metadata: { team: "search" },
    });
    await router.close();
    const [line] = parsed(lines);
    expect(line?.content).toEqual({
      messages: [{ role: "user", content: "the question" }],
      text: "the answer",
    });
    expect(line?.metadata).toEqual({ team: "search" });
  });

  it("records the answer's reasoning next to its text when content is asked for", async () => {
    const lines: string[] = [];
    const a = new Upstream("a", openaiShape).replies(reasoningReply(["Think."], "Done."));
    const { router } = await startHarness({
      targets: { a },
      router: { callLog: { write: (line) => void lines.push(line), content: true } },
    });
    await router.chat({ messages: [{ role: "user", content: "the question" }] });
    await router.close();
    const [line] = parsed(lines);
    expect(line?.content).toMatchObject({ text: "Done.", reasoning: "Think." });
  });

  it("logs an invalid request too, with no route and no attempts", async () => {
    const lines: string[] = [];
    const a = new Upstream("a", openaiShape).replies(answer());
    const { router } = await startHarness({
      targets: { a },
      router: { callLog: { write: (line) => void lines.push(line) } },
    });
    await router.chat({ messages: [] }).catch(() => {});
    await router.close();
    const [line] = parsed(lines);
    expect(line).toMatchObject({
      v: 1,
      outcome: "error",
      attempts: [],
      error: { type: "InvalidRequestError" },
    });
    expect(line?.request).toBeUndefined();
  });

  it("refuses to start on a path it cannot append to, and on a malformed option, naming it", async () => {
    const a = new Upstream("a", openaiShape);
    const missing = join(dir, "no-such-folder", "calls.jsonl");
    const started = startHarness({ targets: { a }, router: { callLog: { path: missing } } });
    await expect(started).rejects.toThrow(InvalidOptionsError);
    await expect(started).rejects.toThrow(/callLog\.path.*cannot append to the call log: ENOENT/);
    await expect(
      startHarness({
        targets: { a },
        router: { callLog: { path: "x", write: () => {} } as unknown as CallLogOptions },
      }),
    ).rejects.toThrow(/callLog.*exactly one of path/);
    await expect(
      startHarness({ targets: { a }, router: { callLog: { path: "x", maxBufferedBytes: 0 } } }),
    ).rejects.toThrow(/maxBufferedBytes must be a whole number of bytes > 0/);
  });
});

describe("the call log's buffering", () => {
  const warnings: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (_fields, message) => void warnings.push(message ?? ""),
    error() {},
  };
  const log = new RouterLogger(logger, "info", { redact: (text) => text, redactValue: (value) => value });

  it("drops and counts lines while a slow disk has more than maxBufferedBytes waiting, never buffering more", async () => {
    const held: (() => void)[] = [];
    const slow = new Writable({
      highWaterMark: 16,
      write(_chunk, _encoding, callback) {
        held.push(callback);
      },
    });
    const writer = streamCallLog(slow, 1000, log);
    const line = "x".repeat(99);
    for (let index = 0; index < 100; index++) writer.write(line);
    expect(slow.writableLength).toBeLessThanOrEqual(1000);
    expect(writer.dropped).toBe(90);
    expect(warnings[0]).toMatch(/call log dropped a line: more than 1000 bytes wait for the disk/);
    // The disk catches up: lines are accepted again.
    for (const release of held.splice(0)) release();
    await new Promise((resolve) => setImmediate(resolve));
    writer.write(line);
    expect(writer.dropped).toBe(90);
    const closed = writer.close();
    for (let round = 0; round < 20 && held.length > 0; round++) {
      for (const release of held.splice(0)) release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await closed;
    expect(warnings.at(-1)).toBe("call log dropped 90 lines");
  });

  it("drops and counts lines while maxPending of a function's writes have not settled", async () => {
    const writer = functionCallLog({ write: () => new Promise<void>(() => {}), maxPending: 5 }, log);
    for (let index = 0; index < 8; index++) writer.write("{}");
    expect(writer.dropped).toBe(3);
  });
});
