import { isNativeAddonBuilt } from "../local-engine/setup/build-native-addon.js";
import type { EngineTools } from "../src/cli/cli-dependencies.js";

/**
 * The local engine's setup for the CLI: the addon build and the tiny test model. Imported lazily,
 * so commands that do not need them load none of it.
 */
export const engineTools: EngineTools = {
  async build(options) {
    const { buildNativeAddon } = await import("../local-engine/setup/index.js");
    return buildNativeAddon(options);
  },
  isBuilt() {
    return isNativeAddonBuilt();
  },
  async makeTinyModel(path) {
    const { ensureLlamaModel } = await import("../local-engine/gguf/ensure-llama-model.js");
    // The options scripts/make-test-model.mjs uses by default, so both make the same file.
    const model = await ensureLlamaModel({
      path,
      preset: "tiny",
      weightType: "f32",
      seed: 0,
      template: "chatml",
    });
    return { fileSize: model.fileSize, seconds: model.seconds };
  },
};
