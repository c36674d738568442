import { describe, expect, it } from "vitest";
import {
  AllTargetsFailedError,
  BudgetExceededError,
  InvalidRequestError,
  NoEligibleTargetError,
  ProviderCallError,
  QueueFullError,
  type RouteTrace,
} from "../core/index.js";
import { toApiError } from "./api-error.js";

const trace: RouteTrace = { callId: "call-1", route: "default", ranked: [], attempts: [], rejected: [] };
const rateLimited = (retryAfterMs: number) =>
  new ProviderCallError({
    kind: "rate_limit",
    message: "openai:gpt-4o-mini returned 429",
    provider: "openai",
    model: "gpt-4o-mini",
    retryable: true,
    retryAfterMs,
  });

describe("gateway statuses", () => {
  it("answers a request the router refuses with 400 naming the field", () => {
    expect(toApiError(new InvalidRequestError("messages[0].content", "expected a string"))).toMatchObject({
      status: 400,
      param: "messages[0].content",
    });
  });

  it("answers no eligible target with 400 when the request's needs rejected every target, else 503", () => {
    const byNeeds = new NoEligibleTargetError("default", [
      { target: "mini", policy: "capabilities", reason: "no log-probs" },
    ]);
    expect(toApiError(byNeeds)).toMatchObject({ status: 400, code: "no_eligible_target" });
    const byHealth = new NoEligibleTargetError("default", [
      { target: "mini", policy: "capabilities", reason: "no log-probs" },
      { target: "big", policy: "health", reason: "breaker open" },
    ]);
    expect(toApiError(byHealth)).toMatchObject({
      status: 503,
      code: "no_eligible_target",
      retryAfterSeconds: 1,
    });
  });

  it("answers a spent daily budget with 429 until the next UTC day, a per-call cap with 400", () => {
    const daily = toApiError(
      new BudgetExceededError({ budget: "tag:key:team", limitUsd: 1, spentUsd: 1, estimatedUsd: 0.1 }),
    );
    expect(daily).toMatchObject({ status: 429, type: "insufficient_quota" });
    expect(daily.retryAfterSeconds).toBeGreaterThan(0);
    expect(daily.retryAfterSeconds).toBeLessThanOrEqual(86_400);
    const call = toApiError(
      new BudgetExceededError({ budget: "call", limitUsd: 0.001, spentUsd: 0, estimatedUsd: 0.01 }),
    );
    expect(call).toMatchObject({ status: 400, param: "budget" });
  });

  it("answers a full queue with 503 and retry-after, and upstream rate limits with 429 and their retry-after", () => {
    expect(toApiError(new QueueFullError("local", 100))).toMatchObject({ status: 503, retryAfterSeconds: 1 });
    const failed = new AllTargetsFailedError(trace, [rateLimited(2500)]);
    expect(toApiError(failed)).toMatchObject({ status: 429, code: "rate_limit", retryAfterSeconds: 3 });
  });

  it("says only 'internal error' for an error that is not Switchyard's", () => {
    const api = toApiError(new Error("secret at /home/app/config.ts:12"));
    expect(api).toEqual({
      status: 500,
      type: "server_error",
      code: "internal_error",
      param: null,
      message: "internal error",
    });
  });
});
