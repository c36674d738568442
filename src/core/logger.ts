/**
 * Where the router (and the provider SDKs it drives) write what they have to say: the shape pino
 * and bunyan share, `logger.warn(fields, message)`. `console` has it too (it prints the fields,
 * then the message). Each method is called with a fresh object of redacted fields and a one-line
 * message; a method that throws is ignored.
 */
export interface Logger {
  debug(fields: Record<string, unknown>, message?: string): void;
  info(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  error(fields: Record<string, unknown>, message?: string): void;
}

/** The levels of a `Logger`, least severe first. */
export type LogLevel = "debug" | "info" | "warn" | "error";
