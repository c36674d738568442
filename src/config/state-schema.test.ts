// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write the literal ${ENV_NAME} syntax of policies
import { describe, expect, it } from "vitest";
import { PolicyFileError } from "../core/index.js";
import { loadPolicyText } from "./test/with-builtins.js";

/** A minimal policy in YAML with the given `state:` lines. */
function policyWith(...state: string[]): string {
  return [
    "providers:",
    "  local: { type: local, model: ./m.gguf }",
    "targets:",
    "  t: { provider: local, model: m }",
    "routes:",
    "  default: { targets: [t] }",
    ...state,
  ].join("\n");
}

function loadError(text: string, env: Record<string, string> = {}): PolicyFileError {
  try {
    loadPolicyText(text, { file: "state.yaml", env });
  } catch (error) {
    if (PolicyFileError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("the policy loaded");
}

const password = "s3cret-redis-password";
const url = `redis://default:${password}@redis.internal:6380/0`;

describe("the policy's state section", () => {
  it("keeps routing state in memory when the policy says nothing", () => {
    expect(loadPolicyText(policyWith()).policy.state).toEqual({ store: "memory" });
  });

  it("reads a Redis store from ${REDIS_URL}, with the default prefix and fail-open", () => {
    const loaded = loadPolicyText(policyWith("state:", "  store: redis", '  url: "${REDIS_URL}"'), {
      env: { REDIS_URL: url },
    });
    expect(loaded.policy.state).toEqual({
      store: "redis",
      url,
      keyPrefix: "switchyard",
      onUnavailable: "fail-open",
    });
  });

  it("registers the URL and its password as secrets, so neither appears in messages", () => {
    const loaded = loadPolicyText(policyWith("state:", "  store: redis", '  url: "${REDIS_URL}"'), {
      env: { REDIS_URL: url },
    });
    expect(loaded.secrets).toEqual(expect.arrayContaining([url, password]));
  });

  it("takes a key prefix and fail-closed", () => {
    const loaded = loadPolicyText(
      policyWith(
        "state:",
        "  store: redis",
        "  url: redis://127.0.0.1:6379",
        "  keyPrefix: app-eu",
        "  onUnavailable: fail-closed",
      ),
    );
    expect(loaded.policy.state).toMatchObject({ keyPrefix: "app-eu", onUnavailable: "fail-closed" });
  });

  it("refuses a URL that is not redis:// or rediss://, without printing it", () => {
    const error = loadError(policyWith("state:", "  store: redis", '  url: "${REDIS_URL}"'), {
      REDIS_URL: `http://user:${password}@redis.internal`,
    });
    expect(error.issues).toEqual([
      expect.objectContaining({
        path: "state.url",
        line: 9,
        message: expect.stringContaining("expected a redis:// or rediss:// URL"),
      }),
    ]);
    expect(JSON.stringify(error.toJSON())).not.toContain(password);
  });

  it("requires the URL of a Redis store", () => {
    expect(loadError(policyWith("state:", "  store: redis")).issues).toEqual([
      expect.objectContaining({ path: "state.url", message: expect.stringContaining("is required") }),
    ]);
  });

  it("names the stores it knows when given another", () => {
    expect(loadError(policyWith("state:", "  store: memcached")).issues[0]?.message).toContain(
      "expected one of `memory`, `redis`",
    );
  });

  it("suggests the key that a misspelled one meant", () => {
    const error = loadError(
      policyWith("state:", "  store: redis", "  url: redis://127.0.0.1:6379", "  onUnavailble: fail-open"),
    );
    expect(error.issues[0]).toMatchObject({ path: "state.onUnavailble" });
    expect(error.issues[0]?.message).toContain("onUnavailable");
  });

  it("allows ${ENV} in the URL only: the key prefix must not change with the environment", () => {
    const error = loadError(
      policyWith("state:", "  store: redis", "  url: redis://127.0.0.1:6379", '  keyPrefix: "${PREFIX}"'),
      { PREFIX: "x" },
    );
    expect(error.issues[0]).toMatchObject({ path: "state.keyPrefix" });
    expect(error.issues[0]?.message).toContain("only allowed in secret fields");
  });

  it("refuses a key prefix with spaces or glob characters", () => {
    const error = loadError(
      policyWith("state:", "  store: redis", "  url: redis://127.0.0.1:6379", '  keyPrefix: "my app*"'),
    );
    expect(error.issues[0]).toMatchObject({ path: "state.keyPrefix" });
  });
});
