import { builtins } from "../../../index.js";
import * as config from "../index.js";
import type { LoadPolicyOptions } from "../prepare-policy.js";

/**
 * The config loader with the package's built-in provider types and strategies registered, as the
 * entry and the router use it: config itself knows none by name.
 */
export const builtinRegistryOptions = {
  providers: builtins.providers,
  strategies: Object.keys(builtins.policies.strategies),
};

export const builtinRegistry = config.createPolicyRegistry(builtinRegistryOptions);

const withBuiltins = <T extends LoadPolicyOptions>(options: T = {} as T): T => ({
  ...options,
  providers: [...builtinRegistryOptions.providers, ...(options.providers ?? [])],
  strategies: [...builtinRegistryOptions.strategies, ...(options.strategies ?? [])],
});

export const loadPolicy: typeof config.loadPolicy = (source, options) =>
  config.loadPolicy(source, withBuiltins(options));

export const loadPolicyText: typeof config.loadPolicyText = (text, options) =>
  config.loadPolicyText(text, withBuiltins(options));

export const checkPolicy: typeof config.checkPolicy = (source, options) =>
  config.checkPolicy(source, withBuiltins(options));

export const watchPolicy: typeof config.watchPolicy = (file, onReload, onError, options) =>
  config.watchPolicy(file, onReload, onError, withBuiltins(options));
