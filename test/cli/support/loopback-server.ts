import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the server received, body read in full. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, e.g. "/v1/chat/completions". */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers one request; `origin` is the server's own http://127.0.0.1:port, for URLs that point back at it. */
export type WireHandler = (
  request: ReceivedRequest,
  response: ServerResponse,
  origin: string,
) => void | Promise<void>;

export interface LoopbackServer {
  /** http://127.0.0.1:port */
  origin: string;
  /** Every request in arrival order. */
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 and an ephemeral port: the CLI's provider SDKs reach it over
 * a socket exactly as they reach the provider, with no fetch interception.
 */
export async function startLoopbackServer(handler: WireHandler): Promise<LoopbackServer> {
  const requests: ReceivedRequest[] = [];
  let origin = "";
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const request: ReceivedRequest = {
        method: incoming.method ?? "GET",
        path: incoming.url ?? "/",
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(request);
      Promise.resolve(handler(request, response, origin)).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
        response.end(`loopback handler failed: ${String(error)}`);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Writes a JSON response with the given status and headers. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/** Writes a server-sent event stream frame by frame, as providers flush them. */
export async function sendEventStream(
  response: ServerResponse,
  frames: readonly string[],
  headers: Record<string, string> = {},
): Promise<void> {
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    ...headers,
  });
  for (const frame of frames) {
    response.write(frame);
    await new Promise((resolve) => setImmediate(resolve));
  }
  response.end();
}

/** `event: <name>\ndata: <json>\n\n` */
export function eventFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
}

/** `data: <json>\n\n` */
export function dataFrame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** The bearer token of an `Authorization` header, if any. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  return value?.startsWith("Bearer ") ? value.slice("Bearer ".length) : undefined;
}
