import type { Capabilities } from "../../src/core/index.js";

/** How long the router waits for `/props` while it builds its targets. @default 3000 */
export const propsTimeoutMs = 3000;

export interface PropsRequest {
  /** The provider's base URL, e.g. http://localhost:8080/v1 (`/props` sits beside `/v1`). */
  baseURL: string;
  model: string;
  headers: Record<string, string>;
  fetch: typeof globalThis.fetch;
}

/**
 * What llama.cpp's server says about its model's chat template (`GET /props`,
 * `chat_template_caps`): tools are claimed only when it reports both `supports_tools` and
 * `supports_tool_calls` (true for templates that render tools, e.g. Hermes/Qwen; false for plain
 * ChatML). A server that does not answer, answers an error, or reports no caps (an old build, or
 * one started without `--jinja`, which refuses tools) leaves tools unclaimed: `{ tools: false }`.
 * Never throws: a server down at start is the health checks' business, not the router's start.
 */
export async function readServerProps(request: PropsRequest): Promise<Partial<Capabilities>> {
  const url = new URL(`${request.baseURL.replace(/\/v1\/?$/, "")}/props`);
  // A server in router mode (several models) answers for the model named; one model ignores it.
  url.searchParams.set("model", request.model);
  try {
    const response = await request.fetch(url, {
      headers: request.headers,
      signal: AbortSignal.timeout(propsTimeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { tools: false };
    }
    const props = (await response.json()) as { chat_template_caps?: unknown };
    const caps = props.chat_template_caps;
    if (typeof caps !== "object" || caps === null) return { tools: false };
    const { supports_tools: tools, supports_tool_calls: calls } = caps as Record<string, unknown>;
    return { tools: tools === true && calls !== false };
  } catch {
    return { tools: false };
  }
}
