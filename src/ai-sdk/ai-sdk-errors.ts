/**
 * The AI SDK's error classes, imported on first use: `@ai-sdk/provider` is a dependency of every
 * `ai` install, and loading it lazily keeps it out of CommonJS `require` (it is ES-only from its
 * v4) and out of processes that never fail a call.
 */
export type AiSdkErrors = Pick<
  typeof import("@ai-sdk/provider"),
  "APICallError" | "InvalidArgumentError" | "NoSuchModelError" | "UnsupportedFunctionalityError"
>;

let loaded: Promise<AiSdkErrors> | undefined;

export function aiSdkErrors(): Promise<AiSdkErrors> {
  loaded ??= import("@ai-sdk/provider");
  return loaded;
}
