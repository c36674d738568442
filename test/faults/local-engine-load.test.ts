import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  AbortedError,
  createRouter,
  DeadlineExceededError,
  InMemoryStateStore,
  NoEligibleTargetError,
  QueueFullError,
  type Router,
  SwitchyardError,
} from "../../index.js";

const model = fileURLToPath(new URL("../../models/tiny-llama.gguf", import.meta.url));

/** Rounds of the issue 11 scenario; `bench/local-engine-load.mjs` runs more and longer ones. */
const ROUNDS = 16;
const STREAMS = 64;
const QUEUED_CHATS = 16;
/** The engine's default. */
const QUEUE_LIMIT = 64;
const FIRST_TOKEN_TIMEOUT_MS = 500;
const STREAM_TIMEOUT_MS = 60_000;
const CHAT_TIMEOUT_MS = 150;
/** Slack for a loaded 2-core machine: settling in time is the claim, not how fast it is. */
const MARGIN_MS = 10_000;

type Kind = "aborted" | "abandoned" | "read" | "queued-chat";

interface Outcome {
  kind: Kind;
  boundMs: number;
  settledMs: number;
  error?: unknown;
}

/** Times a call from its start to its settling, with whatever it settled with. */
async function settle(kind: Kind, boundMs: number, call: Promise<unknown>): Promise<Outcome> {
  const started = performance.now();
  try {
    await call;
    return { kind, boundMs, settledMs: performance.now() - started };
  } catch (error) {
    return { kind, boundMs, settledMs: performance.now() - started, error };
  }
}

/** The typed errors a busy engine may answer with; a broken route (breaker open) is not one. */
function expectBusyError(outcome: Outcome): void {
  const { error } = outcome;
  if (error === undefined) return;
  expect(SwitchyardError.isInstance(error), `${outcome.kind}: ${String(error)}`).toBe(true);
  if (QueueFullError.isInstance(error)) {
    // Refused at the door, or timed out while it waited for a slot.
    expect(error.target).toBe("local:tiny-llama");
    if (error.waitedMs === undefined) expect(error.limit).toBe(QUEUE_LIMIT);
    else expect(error.waitedMs).toBe(FIRST_TOKEN_TIMEOUT_MS);
  } else if (DeadlineExceededError.isInstance(error)) {
    expect(outcome.kind).toBe("queued-chat");
  } else if (AbortedError.isInstance(error)) {
    expect(outcome.kind).toBe("aborted");
  } else if (NoEligibleTargetError.isInstance(error)) {
    // Planning may foresee that the deadline cannot be met (the engine's queue, the latency
    // statistics) and skip the target: never because it is broken (health), never a full queue.
    for (const rejection of error.rejected) {
      expect(
        rejection.policy === "latency" || rejection.reason.includes("call deadline"),
        rejection.reason,
      ).toBe(true);
    }
  } else {
    expect.fail(`${outcome.kind} ended in ${String(error)}`);
  }
}

describe("the local engine under mixed aborts, abandoned streams and queued timeouts (issue 11)", () => {
  const store = new InMemoryStateStore();
  let router: Router;

  beforeAll(async () => {
    router = await createRouter({
      policy: {
        providers: { local: { type: "local", model, slots: 4 } },
        targets: { tiny: { provider: "local", model: "tiny-llama" } },
        routes: {
          default: { targets: ["tiny"], firstTokenTimeoutMs: FIRST_TOKEN_TIMEOUT_MS, idleTimeoutMs: 5_000 },
        },
      },
      state: store,
    });
  });
  afterAll(() => router.close());

  const messages = (i: number) => [{ role: "user" as const, content: `Tell story number ${i}` }];

  async function round(): Promise<Outcome[]> {
    const outcomes: Promise<Outcome>[] = [];
    for (let i = 0; i < STREAMS; i++) {
      const controller = new AbortController();
      const request = { messages: messages(i), maxTokens: 128, timeoutMs: STREAM_TIMEOUT_MS };
      const stream = router.stream({ ...request, signal: controller.signal });
      if (i % 4 === 0) {
        const readUntilFirstText = async () => {
          for await (const part of stream) if (part.type === "text-delta") controller.abort();
          await stream.result;
        };
        outcomes.push(settle("aborted", STREAM_TIMEOUT_MS, readUntilFirstText()));
      } else if (i % 4 === 1) {
        // Abandoned: never read, never cancelled; only its settling is watched.
        outcomes.push(settle("abandoned", STREAM_TIMEOUT_MS, stream.result));
      } else {
        const readToTheEnd = async () => {
          for await (const _part of stream);
          await stream.result;
        };
        outcomes.push(settle("read", STREAM_TIMEOUT_MS, readToTheEnd()));
      }
      // A chat after every fourth stream, so most of them wait behind streams when their deadline passes.
      if (i % (STREAMS / QUEUED_CHATS) === STREAMS / QUEUED_CHATS - 1) {
        const chat = router.chat({
          messages: messages(STREAMS + i),
          maxTokens: 8,
          timeoutMs: CHAT_TIMEOUT_MS,
        });
        outcomes.push(settle("queued-chat", CHAT_TIMEOUT_MS, chat));
      }
    }
    return Promise.all(outcomes);
  }

  it("settles every request in time with a result or a typed error, frees every slot and serves the next round", async () => {
    const seen = new Map<string, number>();
    for (let index = 0; index < ROUNDS; index++) {
      // The round before did not leave the only target broken: it answers.
      const probe = await router.chat({ messages: messages(-1), maxTokens: 4, timeoutMs: STREAM_TIMEOUT_MS });
      expect(probe.route.target).toBe("tiny");

      const outcomes = await round();
      for (const outcome of outcomes) {
        expectBusyError(outcome);
        expect(outcome.settledMs, outcome.kind).toBeLessThan(outcome.boundMs + MARGIN_MS);
        const error = outcome.error;
        const name =
          error === undefined
            ? "ok"
            : QueueFullError.isInstance(error)
              ? `QueueFullError(${error.waitedMs === undefined ? "full" : "waited"})`
              : (error as Error).constructor.name;
        seen.set(`${outcome.kind} ${name}`, (seen.get(`${outcome.kind} ${name}`) ?? 0) + 1);
      }
      // Abandoned and aborted streams gave their slots back; nothing is left waiting.
      await vi.waitFor(() => expect(router.metrics().local).toMatchObject({ busySlots: 0, queueDepth: 0 }), {
        timeout: MARGIN_MS,
        interval: 50,
      });
      const health = (await store.snapshot(["tiny"], [])).health.get("tiny");
      expect(health?.breaker ?? "closed").toBe("closed");
    }
    expect(seen.get("read ok")).toBeGreaterThan(0);
    expect(seen.get("abandoned ok")).toBeGreaterThan(0);
    expect(seen.get("aborted AbortedError")).toBeGreaterThan(0);
    expect((await router.chat({ messages: messages(-2), maxTokens: 4 })).route.target).toBe("tiny");
  }, 180_000);
});
