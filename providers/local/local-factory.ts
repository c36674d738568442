import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { ProviderFactory } from "../../src/core/index.js";
import { type LocalProviderConfig, localConfigSchema } from "./local-config-schema.js";
import { createLocalAdapter, type LocalProviderOptions } from "./local-provider.js";

/**
 * The factory of `type: local`. What the policy checks for a local entry lives here, not in the
 * config loader: relative `model` and `libraryDir` paths resolve against the policy's folder, a
 * missing model file is a `switchyard check` warning, and `local: true` capabilities let its
 * targets serve `local-only` routes without a price.
 */
export function createLocalProvider(
  options: LocalProviderOptions = {},
): ProviderFactory<LocalProviderConfig> {
  const adapter = createLocalAdapter(options);
  return {
    type: "local",
    configSchema: localConfigSchema,
    capabilities: { local: true, noTraining: true, streaming: true },
    resolve(config, { baseDir }) {
      const against = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
      return {
        ...config,
        model: against(config.model),
        ...(config.libraryDir === undefined ? {} : { libraryDir: against(config.libraryDir) }),
      };
    },
    check(config) {
      return existsSync(config.model)
        ? []
        : [{ path: ["model"], message: `no model file at ${config.model}` }];
    },
    create: (id, config, context) => adapter.create(id, config, context),
  };
}

/** The built-in local provider. */
export const localProvider: ProviderFactory<LocalProviderConfig> = createLocalProvider();
