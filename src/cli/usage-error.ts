/**
 * The command line itself is wrong: an unknown command or flag, a missing argument, a flag value
 * of the wrong form. The CLI prints it with the usage and exits 2, before any policy is loaded.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
