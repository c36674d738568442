/** Where the CLI writes; injectable so tests read what a user would see. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress bars only there). */
  interactive: boolean;
  readFile: (path: string) => Promise<string>;
  /** Where `${ENV_NAME}` secrets of the policy and $SWITCHYARD_POLICY are read from. */
  env: Record<string, string | undefined>;
  /** Relative paths (--policy, --request, check's FILE) resolve against it. */
  cwd: string;
  /** Aborts the call in flight (Ctrl-C): the upstream request is cancelled and the CLI exits 130. */
  signal?: AbortSignal;
  /** Calls `handler` on each delivery of a process signal (`serve`: SIGTERM drains, SIGHUP reloads); returns its removal. */
  onSignal?: (signal: "SIGTERM" | "SIGHUP", handler: () => void) => () => void;
}
