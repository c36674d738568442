import OpenAI from "openai";
import type { Logger } from "../../src/core/index.js";
import { sdkLogger } from "../shared/index.js";

/**
 * Deadlines belong to the router (through the call's AbortSignal); the SDK's own timeout is only a
 * backstop for a signal that never fires. 24 h stays below setTimeout's 2^31-1 ms ceiling, above
 * which Node fires the timer at once.
 */
export const clientTimeoutMs = 24 * 60 * 60 * 1000;

export const openaiDefaultBaseURL = "https://api.openai.com/v1";

export interface OpenAIClientOptions {
  /** Undefined for hosts that take no key: no Authorization header is sent at all. */
  apiKey: string | undefined;
  baseURL: string;
  organization?: string;
  project?: string;
  headers?: Record<string, string>;
  fetch: typeof globalThis.fetch;
  /** The router's logger for the provider (`ProviderContext.logger`): the SDK's warnings go there. */
  logger?: Logger;
}

/**
 * The SDK client as Switchyard needs it: no retries (the router owns retry, DESIGN.md), its
 * warnings and errors to the router's logger without their raw details (the SDK would log stream
 * chunks), never to the console, and nothing read from OPENAI_* environment
 * variables — every value is passed explicitly, so a compatible host never receives
 * OPENAI_API_KEY and OPENAI_BASE_URL never redirects a configured provider.
 */
export function createOpenAIClient(options: OpenAIClientOptions): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey ?? "no-key",
    baseURL: options.baseURL,
    organization: options.organization ?? null,
    project: options.project ?? null,
    webhookSecret: null,
    maxRetries: 0,
    timeout: clientTimeoutMs,
    logger: sdkLogger(options.logger, "openai"),
    logLevel: "warn",
    fetch: options.fetch,
    defaultHeaders: {
      ...options.headers,
      // null removes the header the SDK would build from the placeholder key.
      ...(options.apiKey === undefined ? { Authorization: null } : {}),
    },
  });
}
