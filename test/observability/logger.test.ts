import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createRouter,
  InMemoryStateStore,
  InvalidOptionsError,
  type Logger,
  type LogLevel,
} from "../../index.js";
import { startHarness } from "../faults/support/fault-harness.js";
import { anthropicShape, openaiShape } from "../faults/support/provider-shapes.js";
import { answer, fail } from "../faults/support/replies.js";
import { leakedSecrets } from "../faults/support/secret-scan.js";
import { Upstream } from "../faults/support/upstream.js";
import { useMswServer } from "../support/msw-server.js";

useMswServer();

const messages = [{ role: "user" as const, content: "hi" }];

interface Line {
  level: LogLevel;
  fields: Record<string, unknown>;
  message: string | undefined;
}

/** A pino-shaped logger that keeps every line. */
function recordingLogger(): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: LogLevel) => (fields: Record<string, unknown>, message?: string) => {
    lines.push({ level, fields, message });
  };
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the logger option", { timeout: 30_000 }, () => {
  it("sends the Anthropic SDK's deprecation warning to the logger on every call, never to console.warn", async () => {
    const warn = vi.spyOn(console, "warn");
    const logger = recordingLogger();
    // The SDK flags this model as deprecated and warns on every messages.create.
    const claude = {
      upstream: new Upstream("claude", anthropicShape).replies(answer()),
      model: "claude-sonnet-4-5",
    };
    const { router } = await startHarness({ targets: { claude }, router: { logger } });
    await router.chat({ messages });
    for await (const _part of router.stream({ messages })) {
      // drain
    }
    await router.close();
    expect(warn).not.toHaveBeenCalled();
    const deprecations = logger.lines.filter((line) => line.message?.includes("is deprecated"));
    expect(deprecations).toHaveLength(2);
    expect(deprecations[0]).toMatchObject({
      level: "warn",
      fields: { provider: "claude-provider", sdk: "@anthropic-ai/sdk", model: "claude-sonnet-4-5" },
    });
    expect(deprecations[0]?.message).toContain("The model 'claude-sonnet-4-5' is deprecated");
  });

  it("drops the SDK's console warning when the router has no logger: nothing reaches the console", async () => {
    const warn = vi.spyOn(console, "warn");
    const claude = {
      upstream: new Upstream("claude", anthropicShape).replies(answer()),
      model: "claude-sonnet-4-5",
    };
    const { router } = await startHarness({ targets: { claude } });
    await router.chat({ messages });
    await router.close();
    expect(warn).not.toHaveBeenCalled();
  });

  it("logs each attempt at debug, a fallback and a failed call at warn, with the call's id", async () => {
    const logger = recordingLogger();
    const a = new Upstream("a", openaiShape).replies(fail("server"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const { router } = await startHarness({
      targets: { a: { upstream: a, maxAttempts: 1 }, b },
      routes: { default: { targets: ["a"], fallback: "spare" }, spare: { targets: ["b"] } },
      router: { logger, logLevel: "debug" },
    });
    const result = await router.chat({ messages });
    const { callId } = result.route;
    const own = logger.lines.filter((line) => line.fields.callId === callId);
    expect(own.map((line) => [line.level, line.message])).toEqual([
      ["debug", "call started"],
      ["debug", "attempt on a: error"],
      ["warn", "falling back from route default to spare: route exhausted, trying spare"],
      ["debug", "attempt on b: success"],
      ["debug", "call ended"],
    ]);
    expect(own[1]?.fields).toMatchObject({ target: "a", status: 500, errorKind: "server", attempt: 1 });
    const failing = await startHarness({
      targets: { c: { upstream: new Upstream("c", openaiShape).replies(fail("server")), maxAttempts: 1 } },
      router: { logger },
    });
    const error = (await failing.router.chat({ messages }).catch((caught: unknown) => caught)) as {
      callId: string;
    };
    expect(logger.lines.filter((line) => line.fields.callId === error.callId)).toEqual([
      expect.objectContaining({
        level: "warn",
        fields: expect.objectContaining({ errorType: "AllTargetsFailedError" }),
      }),
    ]);
    await Promise.all([router.close(), failing.router.close()]);
  });

  it("warns once, not on every call, while the health policy keeps a target out of rotation", async () => {
    const logger = recordingLogger();
    const a = new Upstream("a", openaiShape).replies(fail("server"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const store = new InMemoryStateStore({
      ejection: { consecutiveFailures: 1, baseMs: 60_000, maxMs: 60_000 },
    });
    const { router: logged } = await startHarness({
      targets: { a: { upstream: a, maxAttempts: 1 }, b },
      routes: { default: { targets: ["a", "b"] } },
      store,
      router: { logger },
    });
    await logged.chat({ messages }); // a fails and is ejected; b answers
    await logged.chat({ messages }); // a is out of rotation
    await logged.chat({ messages }); // still out: no second warning
    const outOfRotation = () =>
      logger.lines.filter((line) => line.message?.startsWith("a is out of rotation"));
    expect(outOfRotation()).toEqual([
      expect.objectContaining({ level: "warn", fields: expect.objectContaining({ target: "a" }) }),
    ]);
    expect(outOfRotation()[0]?.message).toMatch(/ejected after repeated failures/);
    await logged.close();
  });

  it("logs a reload at info, and a reload that failed at error with its reason", async () => {
    const dir = await mkdtemp(join(tmpdir(), "switchyard-logger-"));
    const file = join(dir, "routing.yaml");
    const policy = (model: string) =>
      [
        "providers:",
        "  openai: { type: openai, apiKey: test-canary-not-a-real-key-reload-91c2 }",
        "targets:",
        `  t: { provider: openai, model: ${model}, price: { input: 1, output: 2 } }`,
        "routes:",
        "  default: { targets: [t] }",
        "",
      ].join("\n");
    await writeFile(file, policy("gpt-4o-mini"));
    const logger = recordingLogger();
    const router = await createRouter({ policy: file, logger });
    await writeFile(file, policy("gpt-4o"));
    await router.reload();
    await writeFile(file, `${policy("gpt-4o")}routes: {}\n`);
    await expect(router.reload()).rejects.toThrow();
    await router.close();
    await rm(dir, { recursive: true, force: true });
    expect(logger.lines.map((line) => [line.level, line.message?.split(":")[0]])).toEqual([
      ["info", "policy reloaded"],
      ["error", "policy reload failed"],
    ]);
    expect(logger.lines[1]?.message).toMatch(/duplicate/i);
  });

  it("writes nothing below logLevel (default info): no per-attempt lines", async () => {
    const logger = recordingLogger();
    const a = new Upstream("a", openaiShape).replies(answer());
    const { router } = await startHarness({ targets: { a }, router: { logger } });
    await router.chat({ messages });
    await router.close();
    expect(logger.lines.filter((line) => line.level === "debug")).toEqual([]);
  });

  it("takes console as it is: (fields, message) reaches console.warn", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const a = new Upstream("a", openaiShape).replies(fail("server"));
    const { router } = await startHarness({
      targets: { a: { upstream: a, maxAttempts: 1 } },
      router: { logger: console, logLevel: "warn" },
    });
    await router.chat({ messages }).catch(() => {});
    await router.close();
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ outcome: "error" }),
      expect.stringMatching(/^call failed: /),
    );
  });

  it("never logs a configured secret, even when the upstream echoes it in every error", async () => {
    const canary = "test-canary-not-a-real-key-logger-7d1e4b";
    const logger = recordingLogger();
    const a = new Upstream("a", openaiShape, { apiKey: canary }).replies(
      fail("server", { message: `upstream rejected key ${canary}` }),
    );
    const { router } = await startHarness({
      targets: { a: { upstream: a, maxAttempts: 2 } },
      router: { logger, logLevel: "debug" },
    });
    await router.chat({ messages }).catch(() => {});
    await router.close();
    expect(logger.lines.some((line) => JSON.stringify(line).includes("[REDACTED]"))).toBe(true);
    expect(leakedSecrets(logger.lines, [canary])).toEqual([]);
  });

  it("keeps a logger that throws from failing the call", async () => {
    const broken: Logger = {
      debug: () => {
        throw new Error("disk full");
      },
      info: () => {},
      warn: () => {},
      error: () => {},
    };
    const a = new Upstream("a", openaiShape).replies(answer("fine"));
    const { router } = await startHarness({ targets: { a }, router: { logger: broken, logLevel: "debug" } });
    await expect(router.chat({ messages })).resolves.toMatchObject({ text: "fine" });
    await router.close();
  });

  it("rejects a logger without the four methods, and an unknown level, naming the option", async () => {
    const a = new Upstream("a", openaiShape);
    const noDebug = { info() {}, warn() {}, error() {} } as unknown as Logger;
    await expect(startHarness({ targets: { a }, router: { logger: noDebug } })).rejects.toThrow(
      InvalidOptionsError,
    );
    await expect(startHarness({ targets: { a }, router: { logger: noDebug } })).rejects.toThrow(
      /logger.*debug must be methods/,
    );
    await expect(
      startHarness({ targets: { a }, router: { logLevel: "verbose" as LogLevel } }),
    ).rejects.toThrow(/logLevel.*expected one of debug, info, warn, error/);
  });
});
