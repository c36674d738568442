import type { LoadedPolicy, LoadPolicyOptions } from "../config/index.js";
import type { Router } from "../router/router.js";
import type { CreateRouterOptions } from "../router/router-options.js";

export interface GatewayOptions {
  /** The policy file; SIGHUP (and its `watch`) reload it. */
  policy: string;
  /** Address to bind. @default "127.0.0.1" (loopback: other machines cannot reach it) */
  host?: string;
  /** Port to bind; 0 picks a free one (see `Gateway.port`). @default 4000 */
  port?: number;
  /** Where `${VAR}` secrets are read from. @default process.env */
  env?: Record<string, string | undefined>;
  /** fetch used by the provider SDKs (tests, proxies). @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Largest total size of a request's headers, bytes; above it Node answers 431. @default 16384 */
  maxHeaderBytes?: number;
  /** Model load progress of local engines, 0..1. */
  onProgress?: CreateRouterOptions["onProgress"];
}

export interface Gateway {
  /** `http://host:port`, the port being the bound one. */
  readonly url: string;
  readonly port: number;
  readonly router: Router;
  /** Whether callers must present a virtual key (the policy lists `gateway.keys`). */
  readonly requiresKey: boolean;
  /** Re-reads the policy (routes, targets, keys); a bad edit keeps the last good one and rejects. */
  reload(): Promise<void>;
  /**
   * Stops accepting connections and new calls (503), lets calls and streams in flight finish for
   * `graceMs`, stops the rest, closes the router (engines, connections) and the server.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** What the gateway needs from the package entry (which wires the providers and policies). */
export interface GatewayEntry {
  createRouter(options: CreateRouterOptions): Promise<Router>;
  loadPolicy(source: string, options: LoadPolicyOptions): Promise<LoadedPolicy>;
}
