import Replicate from "replicate";

/** A non-2xx answer of the Replicate API, with what error mapping needs (the body is unredacted). */
export class ReplicateHttpError extends Error {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;

  constructor(status: number, headers: Headers, body: string) {
    super(`Replicate API returned ${status}`);
    this.name = "ReplicateHttpError";
    this.status = status;
    this.headers = headers;
    this.body = body;
  }
}

export interface SingleShotReplicateOptions {
  auth: string;
  baseUrl: string;
  fetch: typeof globalThis.fetch;
  /** Sent with every API request (the provider config's `headers`). */
  headers: Record<string, string>;
}

type RequestOptions = Parameters<Replicate["request"]>[1];

/**
 * The Replicate client with its transport made single-shot. `replicate` 1.4.0 sends every API
 * call through `request()`, which retries 429s (and 5xx on GET) up to five times with almost
 * no delay; the router must be the only retry layer, so this override sends each request once
 * and throws a ReplicateHttpError carrying status, headers and body for the adapter to map.
 * `predictions.create/get/cancel` stay the SDK's own, bound to this instance.
 */
export class SingleShotReplicate extends Replicate {
  readonly #headers: Record<string, string>;

  constructor(options: SingleShotReplicateOptions) {
    super({ auth: options.auth, baseUrl: options.baseUrl, fetch: options.fetch, useFileOutput: false });
    this.#headers = options.headers;
  }

  override async request(route: string | URL, options: RequestOptions): Promise<Response> {
    const base = this.baseUrl ?? "https://api.replicate.com/v1";
    const url =
      route instanceof URL
        ? new URL(route)
        : new URL(route.startsWith("/") ? route.slice(1) : route, base.endsWith("/") ? base : `${base}/`);
    for (const [key, value] of Object.entries(options.params ?? {})) {
      url.searchParams.append(key, String(value));
    }
    const headers = new Headers({ "Content-Type": "application/json", ...this.#headers });
    if (this.userAgent) headers.set("User-Agent", this.userAgent);
    headers.set("Authorization", `Bearer ${this.auth}`);
    new Headers(toHeadersInit(options.headers)).forEach((value, key) => {
      headers.set(key, value);
    });
    const response = await this.fetch(url.toString(), {
      method: options.method ?? "GET",
      headers,
      ...(options.data === undefined ? {} : { body: JSON.stringify(options.data) }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!response.ok) {
      throw new ReplicateHttpError(response.status, response.headers, await response.text().catch(() => ""));
    }
    return response;
  }
}

function toHeadersInit(headers: object | Headers | undefined): ConstructorParameters<typeof Headers>[0] {
  if (headers === undefined || headers instanceof Headers) return headers;
  return Object.entries(headers).map(([key, value]): [string, string] => [key, String(value)]);
}
