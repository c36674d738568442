import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChatRequest, Route, Target } from "../core/index.js";
import { pieceLength, scanLongText, textFlaw } from "./check-text.js";
import type { RoutingContext } from "./routing-context.js";
import { validateCall } from "./validate-request.js";
import { WorkMeter } from "./work-meter.js";

/** What validation reads of a routing context: the routes and the targets' providers. */
const context = {
  routes: new Map([["default", { name: "default", targets: ["t"] } as unknown as Route]]),
  defaultRoute: "default",
  targets: new Map([["t", { provider: "main", providerType: "openai" } as Target]]),
} as unknown as RoutingContext;

/** Event-loop turns (macrotasks) that ran while `work` was pending. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let done = false;
  const turn = () => {
    turns++;
    if (!done) setImmediate(turn);
  };
  setImmediate(turn);
  try {
    await work();
  } finally {
    done = true;
  }
  return turns;
}

/** A flat string (as JSON.parse makes them), unlike the rope `repeat` builds. */
const flat = (length: number, fill = "x") => Buffer.alloc(length, fill).toString();

describe("validateCall's cost", () => {
  it("gives the event loop back while it scans a 10 MB message, about twice as often for 20 MB", async () => {
    const turns = async (length: number) =>
      turnsDuring(() => validateCall(context, { messages: [{ role: "user", content: flat(length) }] }));
    const ten = await turns(10_000_000);
    const twenty = await turns(20_000_000);
    expect(ten).toBeGreaterThanOrEqual(10);
    expect(twenty / ten).toBeGreaterThan(1.6);
    expect(twenty / ten).toBeLessThan(2.4);
  });

  it("gives the event loop back while it checks 200,000 messages", async () => {
    const messages = Array.from({ length: 200_000 }, (_, index) => ({
      role: index % 2 === 0 ? "user" : "assistant",
      content: `message ${index}`,
    }));
    expect(await turnsDuring(() => validateCall(context, { messages }))).toBeGreaterThan(20);
  });

  it("gives the event loop back while it checks 200,000 content parts of one message", async () => {
    const content = Array.from({ length: 200_000 }, (_, index) => ({ type: "text", text: `part ${index}` }));
    const request = { messages: [{ role: "user", content }] };
    expect(await turnsDuring(() => validateCall(context, request))).toBeGreaterThan(20);
  });

  it("finishes a small request without waiting for the event loop", async () => {
    const turns = await turnsDuring(() =>
      validateCall(context, { messages: [{ role: "user", content: "hi" }] }),
    );
    expect(turns).toBe(0);
  });

  it("finds a NUL or a lone surrogate at the end of a long message, at its index", async () => {
    const long = flat(3 * pieceLength);
    for (const [tail, message] of [
      ["\0", `contains a NUL character (U+0000) at index ${long.length}`],
      ["\uDBFF", `contains a lone surrogate (U+DBFF) at index ${long.length}`],
    ]) {
      const request = { messages: [{ role: "user", content: long + tail }] };
      await expect(validateCall(context, request)).rejects.toThrow(`messages[0].content: ${message}`);
    }
  });
});

describe("scanLongText", () => {
  it("finds exactly what textFlaw finds in the whole string, wherever the pieces split it", () => {
    const special = fc.constantFrom("\0", "\uD83D", "\uDE00", "\uD83D\uDE00", " ", "é");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: 1, max: 3 }), special), {
          maxLength: 4,
        }),
        fc.boolean(),
        (insertions, blank) => {
          let text = flat(2 * pieceLength + 7, blank ? " " : "x");
          for (const [shift, piece, character] of insertions) {
            const at = piece * pieceLength + shift;
            text = text.slice(0, at) + character + text.slice(at);
          }
          const meter = new WorkMeter();
          const scan = scanLongText(text, meter, true);
          let step = scan.next();
          while (!step.done) step = scan.next();
          const expected = textFlaw(text) ?? (/\S/.test(text) ? undefined : "holds only whitespace");
          expect(step.value).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("validateCall's result", () => {
  it("is a copy: editing the request after the call began changes nothing", async () => {
    const request: ChatRequest = { messages: [{ role: "user", content: "hi" }], tags: ["a"], stop: ["END"] };
    const { request: valid } = await validateCall(context, request);
    request.messages.push({ role: "user", content: "" });
    request.tags?.push("a");
    request.stop?.splice(0);
    expect(valid).toEqual({ messages: [{ role: "user", content: "hi" }], tags: ["a"], stop: ["END"] });
  });

  it("drops fields set to undefined and names the route it resolved", async () => {
    const { request, route } = await validateCall(context, {
      messages: [{ role: "user", content: "hi" }],
      maxTokens: undefined,
      route: undefined,
    });
    expect(request).toEqual({ messages: [{ role: "user", content: "hi" }] });
    expect(route.name).toBe("default");
  });
});
