import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createRouter,
  LocalEngineUnavailableError,
  PolicyFileError,
  type Router,
  RouterClosedError,
  StateUnavailableError,
} from "../../index.js";
import type { PolicyFile } from "../../src/config/index.js";
import type { RouterEvent } from "../../src/router/routing-context.js";
import { type CountingFactory, countingFactory, type FakeModel } from "./support/counting-provider.js";

const messages = [{ role: "user" as const, content: "hi" }];

/** A policy of `type: local` providers (one target each, in order), all on the default route. */
function policyOf(models: Record<string, FakeModel | { model: FakeModel; slots: number }>): PolicyFile {
  const providers: PolicyFile["providers"] = {};
  const targets: PolicyFile["targets"] = {};
  for (const [id, entry] of Object.entries(models)) {
    const { model, slots } = typeof entry === "string" ? { model: entry, slots: 1 } : entry;
    providers[id] = { type: "local", model, slots };
    targets[id] = { provider: id, model: "m" };
  }
  return { providers, targets, routes: { default: { targets: Object.keys(models) } } };
}

let folder: string | undefined;
let router: Router | undefined;

afterEach(async () => {
  await router?.close();
  router = undefined;
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
});

/** Writes the policy as a file (JSON is YAML) and returns its path. */
function writePolicy(policy: PolicyFile): string {
  folder ??= mkdtempSync(join(tmpdir(), "switchyard-reload-"));
  const file = join(folder, "routing.yaml");
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

async function start(
  factory: CountingFactory,
  policy: string | PolicyFile,
  extra: { events?: RouterEvent[]; watch?: boolean } = {},
): Promise<Router> {
  router = await createRouter({
    policy,
    providers: [factory],
    ...(extra.events ? { onEvent: (event: RouterEvent) => extra.events?.push(event) } : {}),
    ...(extra.watch !== undefined ? { watch: extra.watch } : {}),
  });
  return router;
}

describe("a start that fails leaves no live provider", () => {
  it("closes the providers created before a factory threw", async () => {
    const factory = countingFactory();
    const starting = start(factory, policyOf({ a: "./ok.gguf", b: "./ok.gguf", c: "./throws.gguf" }));
    await expect(starting).rejects.toThrow("provider c: the factory failed");
    expect(factory.created).toBe(2);
    expect(factory.live()).toEqual([]);
  });

  it("closes every provider, loaded engines included, when a later engine fails to load", async () => {
    const factory = countingFactory();
    const starting = start(factory, policyOf({ a: "./ok.gguf", b: "./missing.gguf", c: "./ok.gguf" }));
    await expect(starting).rejects.toSatisfy(
      (error: unknown) => error instanceof LocalEngineUnavailableError && /missing\.gguf/.test(error.message),
    );
    expect(factory.created).toBe(3);
    expect(factory.live()).toEqual([]);
    expect(factory.closedTwice).toBe(0);
  });

  it("creates no provider when a target names an unknown provider", async () => {
    const factory = countingFactory();
    const policy = policyOf({ a: "./ok.gguf" });
    policy.targets.b = { provider: "nowhere", model: "m" };
    await expect(start(factory, policy)).rejects.toSatisfy(PolicyFileError.isInstance);
    expect(factory.created).toBe(0);
  });

  it("creates no provider when the policy's state store cannot be opened", async () => {
    const factory = countingFactory();
    const policy: PolicyFile = {
      ...policyOf({ a: "./ok.gguf" }),
      state: { store: "redis", url: "redis://127.0.0.1:1" },
    };
    await expect(start(factory, policy)).rejects.toSatisfy(StateUnavailableError.isInstance);
    expect(factory.created).toBe(0);
  }, 20_000);
});

describe("a reload that fails leaves no live provider of its own", () => {
  it("closes what three failed reloads created and keeps the providers in force", async () => {
    const factory = countingFactory();
    const file = writePolicy(policyOf({ a: "./ok.gguf" }));
    await start(factory, file);
    const failing = [
      policyOf({ a: "./ok.gguf", b: "./ok.gguf", c: "./missing.gguf" }),
      policyOf({ a: "./ok.gguf", b: { model: "./ok.gguf", slots: 2 }, c: "./throws.gguf" }),
      policyOf({ a: { model: "./ok.gguf", slots: 2 }, b: "./ok.gguf", c: "./missing.gguf" }),
    ];
    for (const policy of failing) {
      writePolicy(policy);
      await expect(router?.reload()).rejects.toThrow(/missing\.gguf|factory failed/);
      expect(factory.live()).toEqual(["a"]);
    }
    expect(factory.created).toBe(1 + 2 + 1 + 3);
    expect(factory.closedTwice).toBe(0);
    const result = await router?.chat({ messages });
    expect(result?.text).toBe("ok from a");
  });

  it("closes the provider a good reload replaced, and every provider once on close()", async () => {
    const factory = countingFactory();
    const file = writePolicy(policyOf({ a: "./ok.gguf", b: "./ok.gguf" }));
    await start(factory, file);
    writePolicy(policyOf({ a: "./ok.gguf", b: { model: "./ok.gguf", slots: 2 } }));
    await router?.reload();
    expect(factory.live()).toEqual(["a", "b"]);
    expect(factory.created).toBe(3);
    await router?.close();
    expect(factory.live()).toEqual([]);
    expect(factory.closedTwice).toBe(0);
  });
});

describe("reloads never interleave", () => {
  it("runs a reload asked for while one runs after it, coalescing every such request into one", async () => {
    const factory = countingFactory();
    const file = writePolicy(policyOf({ a: "./ok.gguf" }));
    const events: RouterEvent[] = [];
    await start(factory, file, { events });
    factory.hold();
    writePolicy(policyOf({ a: "./ok.gguf", b: "./ok.gguf" }));
    const first = router!.reload();
    await expect.poll(() => factory.loading).toBe(1);
    writePolicy(policyOf({ a: "./ok.gguf", b: "./ok.gguf", c: "./ok.gguf" }));
    const second = router!.reload();
    const third = router!.reload();
    factory.release();
    await Promise.all([first, second, third]);
    expect(factory.mostLoadingAtOnce).toBe(1);
    // a: loaded at start, then by each of the two reloads; b twice; c once.
    expect(factory.live()).toEqual(["a", "b", "c"]);
    expect(events.filter((event) => event.type === "policy-reload")).toEqual([
      { type: "policy-reload", ok: true },
      { type: "policy-reload", ok: true },
    ]);
  });

  it("queues the watcher's reload behind a manual one", async () => {
    const factory = countingFactory();
    const file = writePolicy(policyOf({ a: "./ok.gguf" }));
    const events: RouterEvent[] = [];
    await start(factory, file, { events, watch: true });
    factory.hold();
    writePolicy(policyOf({ a: "./ok.gguf", b: "./ok.gguf" }));
    const manual = router!.reload();
    // The watcher sees the same edit after its debounce and asks for a reload of its own.
    await new Promise((resolve) => setTimeout(resolve, 400));
    factory.release();
    await manual;
    await expect.poll(() => events.filter((event) => event.type === "policy-reload").length).toBe(2);
    expect(factory.mostLoadingAtOnce).toBe(1);
    expect(factory.live()).toEqual(["a", "b"]);
  });
});

describe("reload events and closed routers", () => {
  it("emits policy-reload for a manual reload, good or bad", async () => {
    const factory = countingFactory();
    const file = writePolicy(policyOf({ a: "./ok.gguf" }));
    const events: RouterEvent[] = [];
    await start(factory, file, { events });
    await router?.reload();
    writeFileSync(file, "providers: [");
    await expect(router?.reload()).rejects.toSatisfy(PolicyFileError.isInstance);
    const reloads = events.filter((event) => event.type === "policy-reload");
    expect(reloads[0]).toEqual({ type: "policy-reload", ok: true });
    expect(reloads[1]).toMatchObject({ type: "policy-reload", ok: false });
    expect(reloads[1]?.type === "policy-reload" && reloads[1].message).toMatch(/routing\.yaml/);
    expect(reloads).toHaveLength(2);
  });

  it("rejects a reload after close() with RouterClosedError, creating nothing", async () => {
    const factory = countingFactory();
    const file = writePolicy(policyOf({ a: "./ok.gguf" }));
    await start(factory, file);
    await router?.close();
    writePolicy(policyOf({ a: "./ok.gguf", b: "./ok.gguf" }));
    await expect(router?.reload()).rejects.toSatisfy(RouterClosedError.isInstance);
    expect(factory.created).toBe(1);
    expect(factory.live()).toEqual([]);
  });

  it("lets close() stop a reload in progress: what it created is closed before close() resolves", async () => {
    const factory = countingFactory();
    const file = writePolicy(policyOf({ a: "./ok.gguf" }));
    await start(factory, file);
    factory.hold();
    writePolicy(policyOf({ a: "./ok.gguf", b: "./ok.gguf" }));
    const reloading = router!.reload();
    reloading.catch(() => {});
    await expect.poll(() => factory.loading).toBe(1);
    const closing = router!.close();
    factory.release();
    await closing;
    await expect(reloading).rejects.toSatisfy(RouterClosedError.isInstance);
    expect(factory.live()).toEqual([]);
    expect(factory.created).toBe(2);
    expect(factory.closedTwice).toBe(0);
  });
});
