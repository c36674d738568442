import { readFileSync, type Stats, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { PolicyFileError } from "../core/index.js";
import { decodePolicyBytes } from "./decode-policy-bytes.js";
import { MAX_POLICY_BYTES } from "./policy-limits.js";

function readError(file: string, error: unknown): PolicyFileError {
  const code =
    typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
  const reason =
    code === "ENOENT"
      ? "the file does not exist"
      : code === "EACCES"
        ? "permission denied"
        : error instanceof Error
          ? error.message
          : String(error);
  return new PolicyFileError([{ file, path: "", message: `cannot read the policy file: ${reason}` }]);
}

/** Refuses what is not a regular file, or too large, before a byte of it is read. */
function checkStats(file: string, stats: Stats): void {
  if (!stats.isFile()) {
    throw new PolicyFileError([
      { file, path: "", message: "cannot read the policy file: it is not a regular file" },
    ]);
  }
  if (stats.size > MAX_POLICY_BYTES) {
    throw new PolicyFileError([
      {
        file,
        path: "",
        message: `the policy file is ${stats.size} bytes; the limit is ${MAX_POLICY_BYTES} (1 MB)`,
      },
    ]);
  }
}

/** The policy file's text, decoded as strict UTF-8 (see decodePolicyBytes). */
export async function readPolicyFile(file: string): Promise<string> {
  let stats: Stats;
  try {
    stats = await stat(file);
  } catch (error) {
    throw readError(file, error);
  }
  checkStats(file, stats);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw readError(file, error);
  }
  return decodePolicyBytes(file, bytes);
}

export function readPolicyFileSync(file: string): string {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    throw readError(file, error);
  }
  checkStats(file, stats);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw readError(file, error);
  }
  return decodePolicyBytes(file, bytes);
}
