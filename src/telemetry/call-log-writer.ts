import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import type { RouterLogger } from "./router-logger.js";

/** The call log written to a file (JSON Lines, appended). */
export interface CallLogFileOptions {
  path: string;
  /**
   * Lines waiting for the disk, in bytes, before new lines are dropped (and counted) instead of
   * buffered: a slow disk costs lines, never unbounded memory. @default 4194304 (4 MiB)
   */
  maxBufferedBytes?: number;
  /** Record the request's messages and the answer's text under `content`. @default false */
  content?: boolean;
  /** Record the request's `metadata`. @default false */
  metadata?: boolean;
}

/** The call log handed to a function, one line (no newline) per call. */
export interface CallLogFunctionOptions {
  /**
   * Called once per call as it ends, with one JSON line. A returned promise is not awaited by the
   * call; `router.close()` waits for the ones still pending.
   */
  write(line: string): void | Promise<void>;
  /**
   * Writes still pending (unsettled promises) before new lines are dropped and counted.
   * @default 1024
   */
  maxPending?: number;
  /** Record the request's messages and the answer's text under `content`. @default false */
  content?: boolean;
  /** Record the request's `metadata`. @default false */
  metadata?: boolean;
}

/** `createRouter({ callLog })`: one redacted, versioned JSON line per call. @default off */
export type CallLogOptions = CallLogFileOptions | CallLogFunctionOptions;

export const defaultMaxBufferedBytes = 4 * 1024 * 1024;
export const defaultMaxPending = 1024;

/** Where call log lines go: non-blocking and bounded, flushed and closed by `close`. */
export interface CallLogWriter {
  write(line: string): void;
  /** Resolves once the destination is open; rejects with why it cannot be. */
  ready(): Promise<void>;
  /** Lines dropped so far (the destination was behind or had failed). */
  readonly dropped: number;
  /** Writes what is buffered, then closes the destination; idempotent. */
  close(): Promise<void>;
}

/** How often (in dropped lines) the logger is reminded that the call log drops lines. */
const dropReportEvery = 1000;

/** Counts drops and tells the logger about the first one, every thousandth, and the total at close. */
class DropCounter {
  count = 0;
  constructor(readonly log: RouterLogger) {}
  drop(why: string): void {
    this.count += 1;
    if (this.count === 1 || this.count % dropReportEvery === 0) {
      this.log.write("warn", { callLogDropped: this.count }, `call log dropped a line: ${why}`);
    }
  }
  summary(): void {
    if (this.count > 0) {
      this.log.write("warn", { callLogDropped: this.count }, `call log dropped ${this.count} lines`);
    }
  }
}

/** Appends lines to `path`. */
export function fileCallLog(options: CallLogFileOptions, log: RouterLogger): CallLogWriter {
  return streamCallLog(
    createWriteStream(options.path, { flags: "a" }),
    options.maxBufferedBytes ?? defaultMaxBufferedBytes,
    log,
  );
}

/** Lines written to a stream, dropped while more than `maxBufferedBytes` wait in it. */
export function streamCallLog(stream: Writable, maxBufferedBytes: number, log: RouterLogger): CallLogWriter {
  const drops = new DropCounter(log);
  let failure: Error | undefined;
  let closing: Promise<void> | undefined;
  const opened = new Promise<void>((resolve, reject) => {
    if (!("pending" in stream) || stream.pending !== true) resolve();
    stream.once("ready", () => resolve());
    stream.once("error", reject);
  });
  opened.catch(() => {});
  stream.on("error", (error: Error) => {
    if (failure) return;
    failure = error;
    log.write("error", { error: error.message }, `call log failed: ${error.message}`);
  });
  return {
    write(line) {
      if (failure || closing) {
        drops.drop(failure ? failure.message : "the log is closing");
        return;
      }
      if (stream.writableLength + line.length > maxBufferedBytes) {
        drops.drop(`more than ${maxBufferedBytes} bytes wait for the disk`);
        return;
      }
      stream.write(`${line}\n`);
    },
    ready: () => opened,
    get dropped() {
      return drops.count;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        drops.summary();
        if (stream.destroyed) {
          resolve();
          return;
        }
        stream.once("close", () => resolve());
        stream.end();
      });
      return closing;
    },
  };
}

/** Lines handed to the application's function. */
export function functionCallLog(options: CallLogFunctionOptions, log: RouterLogger): CallLogWriter {
  const drops = new DropCounter(log);
  const maxPending = options.maxPending ?? defaultMaxPending;
  const pending = new Set<Promise<void>>();
  let closed = false;
  let closing: Promise<void> | undefined;
  const failed = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    drops.drop(`callLog.write failed: ${message}`);
  };
  return {
    write(line) {
      if (closed) {
        drops.drop("the log is closed");
        return;
      }
      if (pending.size >= maxPending) {
        drops.drop(`${maxPending} writes are still pending`);
        return;
      }
      let returned: unknown;
      try {
        returned = options.write(line);
      } catch (error) {
        failed(error);
        return;
      }
      if (!(returned instanceof Promise)) return;
      const settled = returned.then(() => undefined, failed);
      pending.add(settled);
      void settled.then(() => pending.delete(settled));
    },
    ready: () => Promise.resolve(),
    get dropped() {
      return drops.count;
    },
    close() {
      closed = true;
      closing ??= Promise.all(pending).then(() => drops.summary());
      return closing;
    },
  };
}
