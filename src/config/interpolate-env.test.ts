// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write the literal ${ENV_NAME} syntax of policies
import { describe, expect, it } from "vitest";
import { interpolateEnv, isSecretPath } from "./interpolate-env.js";

const policy = (provider: Record<string, unknown>) => ({ providers: { p: provider } });

describe("interpolateEnv", () => {
  it("expands ${NAME} in apiKey, apiToken and header values", () => {
    const result = interpolateEnv(
      {
        providers: {
          a: { apiKey: "${KEY_A}" },
          r: { apiToken: "${TOKEN}" },
          h: { headers: { Authorization: "Bearer ${BEARER}", "X-Static": "plain" } },
        },
      },
      { KEY_A: "sk-aaaaaaaaaaaa", TOKEN: "r8-tttttttttttt", BEARER: "bbbbbbbbbbbb" },
    );
    expect(result.issues).toEqual([]);
    expect(result.data).toEqual({
      providers: {
        a: { apiKey: "sk-aaaaaaaaaaaa" },
        r: { apiToken: "r8-tttttttttttt" },
        h: { headers: { Authorization: "Bearer bbbbbbbbbbbb", "X-Static": "plain" } },
      },
    });
    expect(result.secrets.sort()).toEqual(["bbbbbbbbbbbb", "r8-tttttttttttt", "sk-aaaaaaaaaaaa"]);
  });

  it("does not change its input", () => {
    const input = policy({ apiKey: "${KEY}" });
    interpolateEnv(input, { KEY: "value-value-value" });
    expect(input).toEqual(policy({ apiKey: "${KEY}" }));
  });

  it("names an unset or empty variable and never prints any value", () => {
    const result = interpolateEnv(
      {
        providers: { a: { apiKey: "${SET_KEY}" }, b: { apiKey: "${UNSET_KEY}" }, c: { apiKey: "${EMPTY}" } },
      },
      { SET_KEY: "sk-must-not-leak-123", EMPTY: "" },
    );
    expect(result.issues).toEqual([
      { path: ["providers", "b", "apiKey"], message: "environment variable UNSET_KEY is not set or empty" },
      { path: ["providers", "c", "apiKey"], message: "environment variable EMPTY is not set or empty" },
    ]);
    expect(JSON.stringify(result.issues)).not.toContain("sk-must-not-leak-123");
  });

  it("refuses a placeholder outside secret fields", () => {
    const result = interpolateEnv({ targets: { t: { model: "${MODEL}" } } }, { MODEL: "gpt-4o" });
    expect(result.issues).toEqual([
      {
        path: ["targets", "t", "model"],
        message:
          "interpolation `${…}` is only allowed in secret fields (apiKey, apiToken, header values, state.url)",
      },
    ]);
    expect(result.data).toEqual({ targets: { t: { model: "${MODEL}" } } });
  });

  it("refuses malformed placeholders", () => {
    expect(interpolateEnv(policy({ apiKey: "${KEY" }), {}).issues[0]?.message).toBe(
      "unterminated `${`: expected `${ENV_NAME}`",
    );
    expect(interpolateEnv(policy({ apiKey: "${1BAD}" }), {}).issues[0]?.message).toBe(
      "`${1BAD}` is not a valid environment variable name",
    );
  });
});

describe("isSecretPath", () => {
  it("knows the secret fields of providers and nothing else", () => {
    expect(isSecretPath(["providers", "openai", "apiKey"])).toBe(true);
    expect(isSecretPath(["providers", "replicate", "apiToken"])).toBe(true);
    expect(isSecretPath(["providers", "openai", "headers", "Authorization"])).toBe(true);
    expect(isSecretPath(["providers", "openai", "baseURL"])).toBe(false);
    expect(isSecretPath(["targets", "t", "apiKey"])).toBe(false);
  });

  it("reads a dotted secret field as a nested path", () => {
    const fields = new Set(["apiKey", "options.apiKey"]);
    expect(isSecretPath(["providers", "mistral", "options", "apiKey"], fields)).toBe(true);
    expect(isSecretPath(["providers", "mistral", "options", "baseURL"], fields)).toBe(false);
    expect(isSecretPath(["providers", "mistral", "options", "apiKey", "x"], fields)).toBe(false);
  });
});
