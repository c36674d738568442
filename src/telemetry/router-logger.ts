import type { Logger, LogLevel } from "../core/index.js";

const rank: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Removes configured secrets from strings (the router's `SecretRedactor`). */
export interface Redaction {
  redact(text: string): string;
  redactValue<T>(value: T): T;
}

/**
 * The application's logger as the router uses it: nothing below `level` is built or written,
 * every field and message passes the secret redactor, and a logger that throws is ignored (a log
 * line never fails a call). Without a logger it is silent and costs one comparison per line.
 */
export class RouterLogger {
  readonly #logger: Logger | undefined;
  readonly #level: number;
  readonly #redaction: Redaction;

  constructor(logger: Logger | undefined, level: LogLevel, redaction: Redaction) {
    this.#logger = logger;
    this.#level = rank[level];
    this.#redaction = redaction;
  }

  enabled(level: LogLevel): boolean {
    return this.#logger !== undefined && rank[level] >= this.#level;
  }

  write(level: LogLevel, fields: Record<string, unknown>, message: string): void {
    const logger = this.#logger;
    if (!logger || rank[level] < this.#level) return;
    try {
      logger[level](this.#redaction.redactValue(fields), this.#redaction.redact(message));
    } catch {
      // The application's logger failing must not fail the call it reports on.
    }
  }

  /** A `Logger` whose every line carries `fields` (a provider's id), through this one. */
  bound(fields: Record<string, unknown>): Logger {
    const at =
      (level: LogLevel) =>
      (own: Record<string, unknown> = {}, message = "") => {
        if (this.enabled(level)) this.write(level, { ...fields, ...own }, message);
      };
    return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  }
}
