import { describe, expect, it } from "vitest";
import { bodyExcerpt } from "./body-excerpt.js";
import { createProviderCallError } from "./create-provider-call-error.js";

const secret = "canary-live-abcdefghijklmnopqrstuvwxyz";
const redact = (text: string) => text.split(secret).join("[REDACTED]");

describe("bodyExcerpt", () => {
  it("redacts before cutting, so a key across the cut leaves no prefix behind", () => {
    const body = `${"x".repeat(490)}${secret}`;
    const excerpt = bodyExcerpt(body, redact) ?? "";
    expect(excerpt).not.toContain("sk-live-ab");
    expect(excerpt.length).toBe(500);
  });

  it("serializes objects and skips empty bodies", () => {
    expect(bodyExcerpt({ error: { message: "bad" } }, redact)).toBe('{"error":{"message":"bad"}}');
    expect(bodyExcerpt("", redact)).toBeUndefined();
    expect(bodyExcerpt(undefined, redact)).toBeUndefined();
  });
});

describe("createProviderCallError", () => {
  it("names provider, model, status and kind, and redacts message, body and cause", () => {
    const cause = new Error(`401 Incorrect API key provided: ${secret}`, {
      cause: new Error(`inner ${secret}`),
    });
    const error = createProviderCallError({
      provider: "openai",
      model: "gpt-4o-mini",
      kind: "auth",
      retryable: false,
      status: 401,
      detail: `Incorrect API key provided: ${secret}`,
      body: { error: { message: secret } },
      cause,
      redact,
    });
    expect(error.message).toBe(
      "openai:gpt-4o-mini returned 401 auth: Incorrect API key provided: [REDACTED]",
    );
    expect(error.body).toBe('{"error":{"message":"[REDACTED]"}}');
    const chain = [error.cause, (error.cause as Error).cause] as Error[];
    for (const link of chain) {
      expect(link.message).toContain("[REDACTED]");
      expect(`${link.stack}`).not.toContain(secret);
    }
  });

  it("redacts a request id taken from a header that echoes the key", () => {
    const error = createProviderCallError({
      provider: "openai",
      model: "m",
      kind: "server",
      retryable: true,
      status: 500,
      detail: "boom",
      requestId: `req-${secret}`,
      redact,
    });
    expect(error.requestId).toBe("req-[REDACTED]");
    expect(JSON.stringify(error)).not.toContain(secret);
  });

  it("says 'failed with' when there is no status", () => {
    const error = createProviderCallError({
      provider: "groq",
      model: "m",
      kind: "network",
      retryable: true,
      detail: "fetch failed:\n  socket hang up",
      redact,
    });
    expect(error.message).toBe("groq:m failed with network: fetch failed: socket hang up");
  });
});
