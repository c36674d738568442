import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRouter, InvalidOptionsError, SwitchyardError } from "../../index.js";
import { countingFactory } from "./support/counting-provider.js";

const policy = {
  providers: { local: { type: "local" as const, model: "./ok.gguf" } },
  targets: { tiny: { provider: "local", model: "m" } },
  routes: { default: { targets: ["tiny"] } },
};

/** The option an InvalidOptionsError of createRouter names, or a description of what was thrown instead. */
async function rejectedOption(options: unknown): Promise<string> {
  try {
    const router = await createRouter(options as Parameters<typeof createRouter>[0]);
    await router.close();
    return "resolved";
  } catch (error) {
    if (InvalidOptionsError.isInstance(error) && error.operation === "createRouter") return error.option;
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

describe("createRouter options", () => {
  it.each([
    ["null", null],
    ["undefined", undefined],
    ["a number", 42],
    ["a string", "./routing.yaml"],
    ["an array", [policy]],
  ])("rejects %s in place of the options object, naming `options`", async (_name, options) => {
    expect(await rejectedOption(options)).toBe("options");
  });

  it("says what it expected and what it got", async () => {
    await expect(createRouter(null as never)).rejects.toThrow(
      'Invalid createRouter options: options: expected an object such as { policy: "./routing.yaml" }, got null',
    );
    await expect(createRouter({} as never)).rejects.toThrow(
      "Invalid createRouter options: policy: expected a policy file's path or a policy object, got undefined",
    );
  });

  it.each([
    ["a missing policy", {}, "policy"],
    ["a null policy", { policy: null }, "policy"],
    ["an empty policy path", { policy: " " }, "policy"],
    ["a numeric policy", { policy: 7 }, "policy"],
    ["providers that are not an array", { policy, providers: {} }, "providers"],
    ["a provider factory without create", { policy, providers: [{ type: "local" }] }, "providers"],
    ["a provider factory without a type", { policy, providers: [{ create: () => ({}) }] }, "providers"],
    ["a state store without its methods", { policy, state: {} }, "state"],
    ["policies without strategy", { policy, policies: { filters: () => [] } }, "policies"],
    ["a fetch that is not a function", { policy, fetch: "https://proxy" }, "fetch"],
    ["an env that is not an object", { policy, env: "production" }, "env"],
    ["an env variable that is not a string", { policy, env: { OPENAI_API_KEY: 1 } }, "env"],
    ["onEvent that is not a function", { policy, onEvent: true }, "onEvent"],
    ["onProgress that is not a function", { policy, onProgress: 1 }, "onProgress"],
    ["watch that is not a boolean", { policy, watch: "yes" }, "watch"],
    ["random that is not a function", { policy, random: 0.5 }, "random"],
    ["a misspelled option", { policy, polcy: policy }, "polcy"],
  ])("rejects %s, naming the option", async (_name, options, option) => {
    expect(await rejectedOption(options)).toBe(option);
  });

  it("names the provider factory that is malformed and suggests the option meant", async () => {
    await expect(
      createRouter({ policy, providers: [countingFactory(), { type: "x" }] } as never),
    ).rejects.toThrow('providers: providers[1] (type "x") create must be a function');
    await expect(createRouter({ policy, onEvnet: () => {} } as never)).rejects.toThrow(
      "onEvnet: is not an option (did you mean `onEvent`?)",
    );
  });

  it("never prints the value of an environment variable", async () => {
    const error = await createRouter({ policy, env: { KEY: "sk-secret-canary-123", N: 5 } } as never).catch(
      (caught: unknown) => caught,
    );
    expect(InvalidOptionsError.isInstance(error)).toBe(true);
    expect(JSON.stringify(error) + String(error)).not.toContain("sk-secret-canary-123");
  });

  it("throws a typed error, never a TypeError, for any value in place of the options or of one option", async () => {
    const names = [
      "policy",
      "providers",
      "state",
      "policies",
      "fetch",
      "env",
      "onProgress",
      "onEvent",
      "watch",
      "random",
    ];
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.constantFrom(...names), async (value, name) => {
        for (const options of [value, { policy, providers: [countingFactory()], [name]: value }]) {
          const error = await createRouter(options as never).then(
            (router) => router.close(),
            (caught: unknown) => caught,
          );
          if (error === undefined) continue;
          expect(error).not.toBeInstanceOf(TypeError);
          expect(SwitchyardError.isInstance(error)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("creates no provider when the options are malformed", async () => {
    const factory = countingFactory();
    await expect(createRouter({ policy, providers: [factory], watch: 1 } as never)).rejects.toSatisfy(
      InvalidOptionsError.isInstance,
    );
    expect(factory.created).toBe(0);
  });
});
