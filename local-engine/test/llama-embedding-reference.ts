import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const nativeBuild = fileURLToPath(new URL("../native/build/", import.meta.url));

/**
 * llama.cpp's own `llama-embedding` example, compiled from the llama.cpp tree the addon builds against
 * (`build/llama.cpp`, or SWITCHYARD_LLAMA_SOURCE) and linked to the prebuilt `libllama-common.so`,
 * `libllama` and `libggml` of `libraryDir` (one g++ call, ~3 s): the same build the engine runs, driven
 * by llama.cpp's code rather than ours. Its `main` is wrapped so that the log thread, which prints
 * the vectors, is drained before the process exits: unwrapped, the JSON was cut short now and then.
 */
export async function buildLlamaEmbedding(libraryDir: string): Promise<string> {
  const binary = join(nativeBuild, "llama-embedding");
  if (existsSync(binary)) return binary;
  const source = process.env.SWITCHYARD_LLAMA_SOURCE || join(nativeBuild, "llama.cpp");
  const wrapper = join(nativeBuild, "llama-embedding-main.cpp");
  await writeFile(wrapper, DRAINING_MAIN);
  await run(
    "g++",
    [
      "-std=c++17",
      "-Dmain=llama_embedding_main",
      "-O1",
      `-I${join(source, "include")}`,
      `-I${join(source, "common")}`,
      `-I${join(source, "ggml", "include")}`,
      `-I${join(source, "vendor")}`,
      join(source, "examples", "embedding", "embedding.cpp"),
      wrapper,
      "-o",
      binary,
      `-L${libraryDir}`,
      "-l:libllama-common.so",
      `-l:${libraryName(libraryDir, "libllama")}`,
      `-l:${libraryName(libraryDir, "libggml")}`,
      "-l:libggml-base.so",
      `-Wl,-rpath,${libraryDir}`,
    ],
    { timeout: 120_000 },
  );
  return binary;
}

// Compiled with -Dmain=llama_embedding_main like embedding.cpp, hence the #undef.
const DRAINING_MAIN = `#undef main
#include "log.h"
#include <cstdio>
int llama_embedding_main(int argc, char ** argv);
int main(int argc, char ** argv) {
  const int status = llama_embedding_main(argc, argv);
  common_log_pause(common_log_main());
  std::fflush(stdout);
  return status;
}
`;

function libraryName(libraryDir: string, stem: string): string {
  for (const name of [`${stem}.v0.4.0.so`, `${stem}.so`]) if (existsSync(join(libraryDir, name))) return name;
  throw new Error(`${libraryDir} holds no ${stem}`);
}

/** llama-embedding's L2-normalised vectors for `texts` (one line each), pooled as the model says. */
export async function llamaEmbeddingVectors(
  binary: string,
  libraryPath: string,
  modelPath: string,
  texts: readonly string[],
  extraArgs: readonly string[] = [],
): Promise<number[][]> {
  // ggml_backend_load_all looks for the CPU backends next to the executable and in the working folder.
  const { stdout, stderr } = await run(
    binary,
    [
      "-m",
      modelPath,
      "-p",
      texts.join("\n"),
      "--embd-normalize",
      "2",
      "--embd-output-format",
      "json",
      "-t",
      "1",
      ...extraArgs,
    ],
    { cwd: dirname(libraryPath), maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
  );
  if (!stdout.trimStart().startsWith("{"))
    throw new Error(`llama-embedding printed no JSON:\n${stderr.slice(-2000)}`);
  const parsed = JSON.parse(stdout) as { data: { index: number; embedding: number[] }[] };
  return parsed.data.sort((a, b) => a.index - b.index).map((item) => item.embedding);
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(normA * normB);
}
