import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findLibllama } from "./llama-library.js";

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function folderWith(...names: string[]): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), "libllama-"));
  for (const name of names) await writeFile(join(dir, name), "");
  return dir;
}

describe("findLibllama", () => {
  it.each([
    "libllama.so",
    "libllama.v0.4.0.so",
    "libllama.cuda.v0.4.0.so",
    // node-llama-cpp's local source builds append a hash of the build options
    "libllama.cuda.v0.4.0.3w3fe5x4.so",
    "libllama.dylib",
  ])("finds %s", async (name) => {
    const found = findLibllama(await folderWith("libllama-common.so", "libggml-base.so", name));
    expect(found && basename(found)).toBe(name);
  });

  it("finds nothing in a folder holding only llama-common and ggml", async () => {
    expect(
      findLibllama(await folderWith("libllama-common.so", "libggml.cuda.v0.4.0.so", "libllama.so.txt")),
    ).toBeUndefined();
  });
});
