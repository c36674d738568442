import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { AllTargetsFailedError, PolicyFileError, ProviderCallError } from "../../index.js";
import { mswServer, useMswServer } from "../support/msw-server.js";
import { startHarness, track } from "./support/fault-harness.js";
import { localEngineDouble } from "./support/local-engine-double.js";
import { providerShapes } from "./support/provider-shapes.js";
import { answer } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();

const messages = [{ role: "user" as const, content: "hi" }];

describe.each(providerShapes)(
  "scenario 16 ($name remotes): local-only request while the local engine is down",
  (shape) => {
    const local = {
      extraProviders: { engine: { type: "local" as const, model: "./models/tiny-llama.gguf" } },
      extraTargets: { local: { provider: "engine", model: "tiny-llama" } },
    };

    it("fails with the engine's error and never calls a remote target of the same route", async () => {
      const engine = localEngineDouble(["crash"]);
      const a = new Upstream("a", shape).replies(answer("remote"));
      const b = new Upstream("b", shape).replies(answer("remote"));
      const { router } = await startHarness({
        ...local,
        targets: { a, b },
        routes: { default: { targets: ["local", "a", "b"] } },
        providers: [engine],
      });
      for (const streaming of [false, true]) {
        const request = { messages, privacy: "local-only" as const };
        const error = await track(streaming ? router.stream(request).result : router.chat(request)).error();
        expect(AllTargetsFailedError.isInstance(error)).toBe(true);
        const failed = error as AllTargetsFailedError;
        expect(failed.trace.attempts.map((attempt) => attempt.target)).toEqual(["local"]);
        expect(failed.errors[0]).toMatchObject({ kind: "server", target: "local" });
        expect(failed.errors[0]?.message).toContain("not running");
        expect(failed.trace.rejected.map((rejection) => [rejection.target, rejection.policy])).toEqual([
          ["a", "privacy"],
          ["b", "privacy"],
        ]);
      }
      expect(engine.calls).toBe(2);
      expect(a.count + b.count).toBe(0);
      await router.close();
    });

    it("fails on a local-only route without touching the remote routes", async () => {
      const engine = localEngineDouble(["crash"]);
      const a = new Upstream("a", shape).replies(answer("remote"));
      const { router } = await startHarness({
        ...local,
        targets: { a },
        routes: { private: { privacy: "local-only", targets: ["local"] }, default: { targets: ["a"] } },
        providers: [engine],
      });
      const error = await track(router.chat({ route: "private", messages })).error();
      expect(AllTargetsFailedError.isInstance(error)).toBe(true);
      expect(engine.calls).toBe(1);
      expect(a.count).toBe(0);
      await router.close();
    });

    it("refuses, before any call, a local-only route that falls back to a remote route", async () => {
      const a = new Upstream("a", shape).replies(answer("remote"));
      const starting = startHarness({
        ...local,
        targets: { a },
        routes: {
          private: { privacy: "local-only", targets: ["local"], fallback: "default" },
          default: { targets: ["a"] },
        },
        providers: [localEngineDouble(["crash"])],
      });
      await expect(starting).rejects.toSatisfy(PolicyFileError.isInstance);
      expect(a.count).toBe(0);
    });

    it("still falls over from the crashed engine to a remote target when the request allows it", async () => {
      const engine = localEngineDouble(["crash"]);
      const a = new Upstream("a", shape).replies(answer("remote"));
      const { router } = await startHarness({
        ...local,
        targets: { a },
        routes: { default: { targets: ["local", "a"] } },
        providers: [engine],
      });
      const result = await router.chat({ messages });
      expect(result.text).toBe("remote");
      expect(result.route.attempts.map((attempt) => [attempt.target, attempt.errorKind])).toEqual([
        ["local", "server"],
        ["a", undefined],
      ]);
      await router.close();
    });

    it("never calls a remote target when a declared-local OpenAI-compatible server is down", async () => {
      const loopback = "http://127.0.0.1:11434/v1";
      let localCalls = 0;
      mswServer.use(
        http.post(`${loopback}/chat/completions`, () => {
          localCalls++;
          return HttpResponse.error();
        }),
      );
      const a = new Upstream("a", shape).replies(answer("remote"));
      const { router } = await startHarness({
        extraProviders: {
          ollama: { type: "openai-compatible", host: "ollama", baseURL: loopback, local: true },
        },
        extraTargets: { "local-llama": { provider: "ollama", model: "llama3.2", maxAttempts: 1 } },
        targets: { a },
        routes: { default: { targets: ["local-llama", "a"] } },
      });
      const error = await track(router.chat({ messages, privacy: "local-only" })).error();
      expect(AllTargetsFailedError.isInstance(error)).toBe(true);
      expect((error as AllTargetsFailedError).errors[0]).toSatisfy(
        (failure) => ProviderCallError.isInstance(failure) && failure.kind === "network",
      );
      expect(localCalls).toBe(1);
      expect(a.count).toBe(0);
      await router.close();
    });
  },
);
