import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";

export interface CallSummary {
  succeeded: number;
  costUsd: number;
  /** Answers per target. */
  targets: Record<string, number>;
  /** Failed calls per error name, and the first few messages. */
  errors: Record<string, number>;
  messages: string[];
}

export interface StartOptions {
  policy: unknown;
  /** `RedisStateStore.connect` options (plain data), to build the store in code instead of from the policy. */
  store?: Record<string, unknown>;
  /** Extra environment of the process (e.g. REDIS_URL for the policy's `${REDIS_URL}`). */
  env?: Record<string, string>;
}

interface Reply {
  id?: number;
  type?: string;
  ok?: boolean;
  reply?: unknown;
  error?: { name: string; message: string };
  message?: string;
}

/** A router replica running in a child process (support/replica.mjs over the compiled package). */
export class ReplicaProcess {
  /** Unhandled rejections and uncaught exceptions the child reported; a passing test expects none. */
  readonly crashes: string[] = [];
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #next = 0;
  #stderr = "";

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.stderr?.on("data", (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString("utf8")).slice(-4000);
    });
    child.on("message", (message: Reply) => {
      if (message.type === "crash") this.crashes.push(message.message ?? "");
      if (message.id === undefined) return;
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.ok) pending?.resolve(message.reply);
      else pending?.reject(Object.assign(new Error(message.error?.message), { name: message.error?.name }));
    });
    child.on("exit", (code) => {
      for (const pending of this.#pending.values()) {
        pending.reject(new Error(`replica exited with code ${code}: ${this.#stderr}`));
      }
      this.#pending.clear();
    });
  }

  static async start(dist: string, options: StartOptions): Promise<ReplicaProcess> {
    const child = fork(join(import.meta.dirname, "replica.mjs"), [], {
      env: { ...process.env, ...options.env, SWITCHYARD_DIST: dist },
      execArgv: [],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    await new Promise<void>((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", (code) => reject(new Error(`replica exited with code ${code} before it was ready`)));
    });
    const replica = new ReplicaProcess(child);
    await replica.#request({ type: "start", policy: options.policy, store: options.store });
    return replica;
  }

  calls(options: {
    request: Record<string, unknown>;
    count?: number;
    concurrency?: number;
    durationMs?: number;
    /** Abort the calls still in flight (or queued) when `durationMs` has passed. @default false */
    abortAtEnd?: boolean;
  }): Promise<CallSummary> {
    return this.#request({ type: "calls", ...options }) as Promise<CallSummary>;
  }

  async events(): Promise<{ type: string; status: string; message: string }[]> {
    const reply = (await this.#request({ type: "events" })) as {
      events: { type: string; status: string; message: string }[];
    };
    return reply.events;
  }

  /** Closes the router, then ends the process (killing it if it does not end within 5 s). */
  async close(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once("exit", resolve));
    await this.#request({ type: "close" }).catch(() => undefined);
    if (this.#child.connected) this.#child.disconnect();
    const killer = setTimeout(() => this.#child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(killer);
  }

  /** The exit code once the process ended (null while it runs). */
  get exitCode(): number | null {
    return this.#child.exitCode;
  }

  #request(message: Record<string, unknown>): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ ...message, id });
    });
  }
}
