/** Where the CLI writes; injectable so tests read what a user would see. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress bars only there). */
  interactive: boolean;
  readFile: (path: string) => Promise<string>;
  env: Record<string, string | undefined>;
  cwd: string;
}
