import { type FSWatcher, watch } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { PolicyFileError } from "../core/index.js";
import { loadPolicyTextWithCatalog } from "./load-policy.js";
import type { LoadPolicyOptions } from "./prepare-policy.js";
import { readPolicyFileSync } from "./read-policy-file.js";
import type { LoadedPolicy } from "./resolved-policy.js";

export interface WatchPolicyOptions extends LoadPolicyOptions {
  /** Quiet time after the last change before reloading: editors write a file in bursts. @default 100 */
  debounceMs?: number;
}

export interface PolicyWatcher {
  close(): void;
}

function asPolicyError(file: string, error: unknown): PolicyFileError {
  if (PolicyFileError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PolicyFileError([{ file, path: "", message: `cannot watch the policy file: ${message}` }]);
}

/**
 * Reloads a policy file when it changes. A good edit is passed to `onChange`; a bad one to
 * `onError`, and the caller keeps serving the last good policy. The folder is watched rather
 * than the file, because editors save by writing a new file and renaming it over the old one.
 * Saves that leave the text unchanged are ignored. The watcher never keeps the process alive.
 */
export function watchPolicy(
  file: string,
  onChange: (result: LoadedPolicy) => void,
  onError: (error: PolicyFileError) => void,
  options: WatchPolicyOptions = {},
): PolicyWatcher {
  const { debounceMs = 100, ...loadOptions } = options;
  const name = basename(file);
  let lastText: string | undefined;
  try {
    lastText = readPolicyFileSync(file);
  } catch {
    lastText = undefined;
  }
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const reloadOnce = async () => {
    if (closed) return;
    let result: LoadedPolicy;
    try {
      const text = readPolicyFileSync(file);
      if (text === lastText) return;
      lastText = text;
      result = await loadPolicyTextWithCatalog(text, { ...loadOptions, file });
    } catch (error) {
      if (!closed) onError(asPolicyError(file, error));
      return;
    }
    if (!closed) onChange(result);
  };
  // A load may wait for the model catalog; loads run one after another, so edits arrive in order.
  let loading = Promise.resolve();
  const reload = () => {
    timer = undefined;
    loading = loading.then(reloadOnce);
  };

  const watcher: FSWatcher = watch(dirname(resolve(file)), { persistent: false }, (_event, changed) => {
    if (closed || (changed !== null && changed !== name)) return;
    clearTimeout(timer);
    timer = setTimeout(reload, debounceMs);
    timer.unref();
  });
  watcher.on("error", (error) => onError(asPolicyError(file, error)));

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
    },
  };
}
