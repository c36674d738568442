import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A temporary folder for policy and request files, removed by `remove()`. */
export interface PolicyFolder {
  path: string;
  /** Writes `text` to `name` in the folder and returns the file's absolute path. */
  write(name: string, text: string): Promise<string>;
  remove(): Promise<void>;
}

export async function createPolicyFolder(): Promise<PolicyFolder> {
  const path = await mkdtemp(join(tmpdir(), "switchyard-cli-"));
  return {
    path,
    write: async (name, text) => {
      const file = join(path, name);
      await writeFile(file, text);
      return file;
    },
    remove: () => rm(path, { recursive: true, force: true }),
  };
}
