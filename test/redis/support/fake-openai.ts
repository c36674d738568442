import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** How the fake answers a model: a normal completion, a 500, or OpenAI's exhausted-quota 429. */
export type FakeMode = "ok" | "fail" | "quota";

/**
 * Usage of every answer: 2 output tokens, and 8 prompt tokens, which is what the router's
 * tokenizer counts for the tests' one-message prompt ("hi"): the estimate a spend hold is based on
 * then equals the billed cost, as it does for a provider whose count the tokenizer matches.
 */
export const fakeUsage = { prompt_tokens: 8, completion_tokens: 2, total_tokens: 10 };

export interface FakeOpenAI {
  /** Base URL for an openai-compatible provider: http://127.0.0.1:port/v1 */
  baseURL: string;
  /** Requests received per model, with their arrival times. */
  requests: Map<string, number[]>;
  /** Answers sent with usage (billed) per model. */
  billed: Map<string, number>;
  setMode(model: string, mode: FakeMode): void;
  count(model: string): number;
  close(): Promise<void>;
}

/**
 * A loopback OpenAI chat-completions server shared by the replica processes: it counts what the
 * provider would see (requests per model, when they arrived, which were billed) independently
 * of anything Switchyard records.
 */
export async function startFakeOpenAI(options: { delayMs?: number } = {}): Promise<FakeOpenAI> {
  const modes = new Map<string, FakeMode>();
  const requests = new Map<string, number[]>();
  const billed = new Map<string, number>();
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { model?: string };
      const model = body.model ?? "unknown";
      const times = requests.get(model) ?? [];
      times.push(Date.now());
      requests.set(model, times);
      setTimeout(() => answer(response, model, modes.get(model) ?? "ok", billed), options.delayMs ?? 5);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    billed,
    setMode: (model, mode) => modes.set(model, mode),
    count: (model) => requests.get(model)?.length ?? 0,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function answer(response: ServerResponse, model: string, mode: FakeMode, billed: Map<string, number>): void {
  if (mode === "fail") {
    send(response, 500, { error: { message: "The server had an error", type: "server_error", code: null } });
    return;
  }
  if (mode === "quota") {
    send(response, 429, {
      error: {
        message: "You exceeded your current quota, please check your plan and billing details.",
        type: "insufficient_quota",
        code: "insufficient_quota",
      },
    });
    return;
  }
  billed.set(model, (billed.get(model) ?? 0) + 1);
  send(response, 200, {
    id: "chatcmpl-replica",
    object: "chat.completion",
    created: 1741569952,
    model,
    choices: [
      { index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop", logprobs: null },
    ],
    usage: fakeUsage,
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json", "x-request-id": "req_replica" });
  response.end(JSON.stringify(body));
}
