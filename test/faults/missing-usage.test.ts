import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { useMswServer } from "../support/msw-server.js";
import { sseResponse } from "../support/sse-response.js";
import { startHarness, useFakeClock } from "./support/fault-harness.js";
import { openaiShape } from "./support/provider-shapes.js";
import type { Reply } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();
useFakeClock();

const messages = [{ role: "user" as const, content: "What is the capital of France?" }];

/** An OpenAI-compatible host that answers but never reports usage (many proxies drop it). */
const answerWithoutUsage: Reply = (call, shape) => {
  if (call.stream) {
    const [finish, , done] = shape.closing({ inputTokens: 0, outputTokens: 0 });
    return sseResponse([...shape.opening(["Paris is ", "the capital."]), finish ?? "", done ?? ""]);
  }
  const body = shape.answer("Paris is the capital.", { inputTokens: 0, outputTokens: 0 }) as Record<
    string,
    unknown
  >;
  const { usage: _dropped, ...withoutUsage } = body;
  return HttpResponse.json(withoutUsage);
};

describe("an upstream that reports no usage", () => {
  it.each([false, true])("is counted, not recorded as free (streaming: %s)", async (streaming) => {
    const a = new Upstream("a", openaiShape).replies(answerWithoutUsage);
    const { router } = await startHarness({ targets: { a } });
    const result = streaming ? await router.stream({ messages }).result : await router.chat({ messages });
    expect(result.text).toBe("Paris is the capital.");
    expect(result.usage.inputTokens).toBeGreaterThan(5);
    expect(result.usage.outputTokens).toBeGreaterThan(2);
    expect(result.costUsd).toBeGreaterThan(0);
    expect(result.route.attempts[0]?.costUsd).toBe(result.costUsd);
    await router.close();
  });
});
