import type { Redis } from "ioredis";
import type { StateEvent } from "./state-event.js";
import { StateUnavailableError } from "./state-unavailable-error.js";

/** What a Redis-backed component does while Redis cannot be reached at run time. */
export type UnavailableMode = "fail-open" | "fail-closed";

export interface RedisLinkOptions {
  /** redis:// or rediss:// URL; it may carry a password, so it is never printed. */
  url: string;
  /** @default "fail-open" */
  onUnavailable?: UnavailableMode;
  /** A command slower than this counts as Redis being unavailable, ms. @default 1000 */
  commandTimeoutMs?: number;
  /** How long start-up waits for the first connection, ms. @default 5000 */
  connectTimeoutMs?: number;
  /** While unavailable, how often Redis is asked whether it is back, ms. @default 1000 */
  probeIntervalMs?: number;
  /** Warnings when Redis goes away and when it is back. */
  onEvent?: (event: StateEvent) => void;
}

/**
 * One connection to Redis and the knowledge of whether it works. Components run their commands
 * through `run`, which falls back at once while Redis is known to be down, so an outage costs no
 * timeout per call. After an outage, the registered restore steps (re-writing what was recorded
 * meanwhile) run before the link reports itself available again.
 */
export class RedisLink {
  readonly client: Redis;
  /** "host:port", safe to print. */
  readonly where: string;
  readonly mode: UnavailableMode;
  readonly #onEvent: ((event: StateEvent) => void) | undefined;
  readonly #probeIntervalMs: number;
  readonly #restoreSteps = new Set<() => Promise<void>>();
  #available = true;
  #lastError = "";
  #probe: NodeJS.Timeout | undefined;
  #restoring = false;
  #closed = false;

  private constructor(client: Redis, where: string, options: RedisLinkOptions) {
    this.client = client;
    this.where = where;
    this.mode = options.onUnavailable ?? "fail-open";
    this.#onEvent = options.onEvent;
    this.#probeIntervalMs = options.probeIntervalMs ?? 1000;
  }

  /** Connects and pings; throws `StateUnavailableError` when Redis cannot be reached or refuses us. */
  static async open(options: RedisLinkOptions): Promise<RedisLink> {
    const where = describeServer(options.url);
    // Imported here, not at the top: an application that keeps its state in memory never loads ioredis.
    const { Redis } = await import("ioredis");
    const client = new Redis(options.url, {
      lazyConnect: true,
      // Commands fail at once while disconnected instead of piling up, and a command cut off
      // by a dropped connection is never re-sent: an admission or a hold must not count twice.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 1000,
      connectTimeout: options.connectTimeoutMs ?? 5000,
      retryStrategy: (times) => Math.min(times * 100, 1000),
    });
    const link = new RedisLink(client, where, options);
    client.on("error", (error: Error) => {
      link.#lastError = error.message;
    });
    try {
      await client.connect();
      await client.ping();
    } catch (error) {
      client.disconnect();
      const detail = link.#lastError || (error instanceof Error ? error.message : String(error));
      throw new StateUnavailableError(where, `cannot connect at start-up (${detail})`, error);
    }
    client.on("close", () => link.#markDown("the connection closed"));
    client.on("ready", () => link.#tryRestore());
    return link;
  }

  get available(): boolean {
    return this.#available && !this.#closed;
  }

  /** Registers a step that re-writes local records once Redis is back; it must be idempotent. */
  onRestore(step: () => Promise<void>): void {
    this.#restoreSteps.add(step);
  }

  /**
   * Runs `operation` against Redis; while Redis is down, or when the command fails (which marks
   * it down), returns what `fallback` gives instead.
   */
  async run<T>(operation: (client: Redis) => Promise<T>, fallback: () => T | Promise<T>): Promise<T> {
    if (!this.available) return fallback();
    try {
      return await operation(this.client);
    } catch (error) {
      this.#markDown(error instanceof Error ? error.message : String(error));
      return fallback();
    }
  }

  /** The error fail-closed callers throw while Redis is down. */
  unavailableError(): StateUnavailableError {
    return new StateUnavailableError(this.where, this.#lastError || "not reachable");
  }

  /** A second connection with the same settings (Pub/Sub needs one of its own). */
  duplicate(): Redis {
    const copy = this.client.duplicate({ lazyConnect: false, enableOfflineQueue: true });
    copy.on("error", () => {
      // Reconnects on its own; the main connection reports the outage.
    });
    return copy;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#probe);
    this.#restoreSteps.clear();
    if (this.client.status === "ready") {
      await this.client.quit().catch(() => this.client.disconnect());
    } else {
      this.client.disconnect();
    }
  }

  #markDown(reason: string): void {
    if (this.#closed) return;
    this.#lastError = reason;
    if (!this.#available) return;
    this.#available = false;
    const consequence =
      this.mode === "fail-open"
        ? "serving this process's own state until it returns"
        : "refusing new calls until it returns";
    this.#emit({
      type: "state",
      status: "unavailable",
      message: `Redis at ${this.where} is unavailable (${reason}); ${consequence}`,
    });
    this.#probe ??= setInterval(() => this.#tryRestore(), this.#probeIntervalMs);
    this.#probe.unref();
  }

  #tryRestore(): void {
    if (this.#available || this.#restoring || this.#closed || this.client.status !== "ready") return;
    this.#restoring = true;
    this.#restore()
      .then(
        () => {
          if (this.#closed) return;
          this.#available = true;
          clearInterval(this.#probe);
          this.#probe = undefined;
          this.#emit({
            type: "state",
            status: "restored",
            message: `Redis at ${this.where} is back; records kept during the outage were written`,
          });
        },
        (error: unknown) => {
          this.#lastError = error instanceof Error ? error.message : String(error);
        },
      )
      .finally(() => {
        this.#restoring = false;
      });
  }

  async #restore(): Promise<void> {
    await this.client.ping();
    for (const step of this.#restoreSteps) await step();
  }

  #emit(event: StateEvent): void {
    try {
      this.#onEvent?.(event);
    } catch {
      // A failing listener must not break the store it listens to.
    }
  }
}

/** "host:port" of a Redis URL, without credentials; the URL itself may hold a password. */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || "localhost"}:${parsed.port || "6379"}`;
  } catch {
    return "an unparsable URL";
  }
}
