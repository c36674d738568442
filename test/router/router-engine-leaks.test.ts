import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  createLocalProvider,
  createRouter,
  type EngineHandle,
  LocalEngineUnavailableError,
  startLocalEngine,
} from "../../index.js";
import { hasNodeLlamaCpp, tinyModelPath } from "../../local-engine/test/engine-test-env.js";
import type { PolicyFile } from "../../src/config/index.js";

const toolsModelPath = tinyModelPath.replace("tiny-llama.gguf", "tiny-llama-tools.gguf");
const canRun = hasNodeLlamaCpp && existsSync(tinyModelPath) && existsSync(toolsModelPath);
const folder = mkdtempSync(join(tmpdir(), "switchyard-engine-leaks-"));
const corruptModelPath = join(folder, "corrupt.gguf");
writeFileSync(corruptModelPath, "GGUF this is not a model");

afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The real local engine, counted: every engine started and not closed yet. */
function countedLocalProvider() {
  const live = new Set<EngineHandle>();
  const factory = createLocalProvider({
    startEngine: async (start) => {
      const engine = await startLocalEngine(start);
      live.add(engine);
      const close = engine.close.bind(engine);
      engine.close = async () => {
        live.delete(engine);
        await close();
      };
      return engine;
    },
  });
  return { factory, live };
}

function policyOf(models: Record<string, string>): PolicyFile {
  const providers: PolicyFile["providers"] = {};
  const targets: PolicyFile["targets"] = {};
  for (const [id, model] of Object.entries(models)) {
    providers[id] = { type: "local", model, slots: 1, threads: 1, contextPerSlot: 256 };
    targets[id] = { provider: id, model: "tiny" };
  }
  return { providers, targets, routes: { default: { targets: Object.keys(models) } } };
}

describe.skipIf(!canRun)(
  "the real local engine through failed starts and reloads",
  { timeout: 60_000 },
  () => {
    it("closes the engine that loaded when a later one fails to load at start", async () => {
      const { factory, live } = countedLocalProvider();
      const starting = createRouter({
        policy: policyOf({ good: tinyModelPath, bad: corruptModelPath }),
        providers: [factory],
      });
      await expect(starting).rejects.toSatisfy(
        (error: unknown) => error instanceof LocalEngineUnavailableError && error.message.includes("bad"),
      );
      expect(live.size).toBe(0);
    });

    it("leaves only the engine in force after three failed reloads, and none after close()", async () => {
      const { factory, live } = countedLocalProvider();
      const file = join(folder, "routing.yaml");
      writeFileSync(file, JSON.stringify(policyOf({ a: tinyModelPath })));
      const router = await createRouter({ policy: file, providers: [factory] });
      try {
        expect(live.size).toBe(1);
        for (const missing of [corruptModelPath, join(folder, "missing.gguf"), corruptModelPath]) {
          writeFileSync(file, JSON.stringify(policyOf({ a: tinyModelPath, b: toolsModelPath, c: missing })));
          await expect(router.reload()).rejects.toSatisfy(
            (error: unknown) => error instanceof LocalEngineUnavailableError,
          );
          expect(live.size).toBe(1);
        }
        const result = await router.chat({ messages: [{ role: "user", content: "Hello" }], maxTokens: 4 });
        expect(result.route.target).toBe("a");
      } finally {
        await router.close();
      }
      expect(live.size).toBe(0);
    });
  },
);
