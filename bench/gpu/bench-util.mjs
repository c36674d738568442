// Shared by the GPU benchmark scripts: the workload (token-id prompts, llama-batched-bench's shape),
// the steady-state throughput window, nvidia-smi probes and the RESULT lines that report.mjs reads.
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";

export const now = () => performance.now();
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const round = (x, digits = 1) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

/** One line per measurement; report.mjs collects them. */
export function result(record) {
  console.log(`RESULT ${JSON.stringify({ at: new Date().toISOString(), ...record })}`);
}

/** The common command line of the benchmark scripts. */
export function benchArgs(extra = {}) {
  const { values } = parseArgs({
    options: {
      model: { type: "string" },
      label: { type: "string" },
      concurrency: { type: "string", default: "1,4,16,64" },
      prompt: { type: "string", default: "128" },
      tokens: { type: "string", default: "128" },
      repeat: { type: "string", default: "3" },
      ...extra,
    },
  });
  if (!values.model) throw new Error("--model PATH is required");
  return {
    ...values,
    label: values.label ?? values.model.split("/").at(-1),
    concurrency: values.concurrency.split(",").map(Number),
    prompt: Number(values.prompt),
    tokens: Number(values.tokens),
    repeat: Number(values.repeat),
  };
}

/**
 * `length` token ids, distinct for every (run, index): BOS, then ids that share no prefix with any
 * other prompt, so no slot reuses another request's KV (a benchmark of decoding, not of reuse).
 */
export function distinctPrompt(bos, vocab, run, index, length) {
  const ids = [bos];
  for (let k = 1; k < length; k++)
    ids.push(5 + ((run * 7_919 + index * 104_729 + k * 31 + k * k * 7) % (vocab - 5)));
  ids[1] = 5 + ((run * 1_009 + index * 6_151) % (vocab - 5));
  return ids;
}

/**
 * Aggregate decode rate while every stream is decoding: from the moment the last stream produced its
 * first token to the moment the first full-length stream produced its last one (llama-batched-bench's
 * S_TG counts the same: n sequences, one token each per step, no prefill). A stream that met an
 * end-of-generation token early (random weights do that now and then) stops counting there, so the
 * window then runs with fewer streams: `endedEarly` says how many. `streams` holds one array of
 * { t, n } (arrival time, tokens) per request; `full` is the tokens a full-length stream generates.
 */
export function steadyWindow(streams, full) {
  const start = Math.max(...streams.map((s) => s[0]?.t ?? Number.POSITIVE_INFINITY));
  const count = (s) => s.reduce((sum, event) => sum + event.n, 0);
  const complete = streams.filter((s) => full === undefined || count(s) >= full);
  const end = Math.min(
    ...(complete.length > 0 ? complete : streams).map((s) => s.at(-1)?.t ?? Number.NEGATIVE_INFINITY),
  );
  let tokens = 0;
  for (const stream of streams)
    for (const event of stream) if (event.t > start && event.t <= end) tokens += event.n;
  const steps = (complete[0] ?? streams[0])?.filter((event) => event.t > start && event.t <= end).length ?? 0;
  const ms = end - start;
  return {
    tokPerS: ms > 0 ? (tokens / ms) * 1000 : Number.NaN,
    msPerStep: steps > 0 ? ms / steps : Number.NaN,
    windowMs: ms,
    windowTokens: tokens,
    endedEarly: streams.length - complete.length,
  };
}

/** GPU memory per process as nvidia-smi sees it, or the reason it could not be read. */
export function gpuProcesses() {
  try {
    return execFileSync(
      "nvidia-smi",
      ["--query-compute-apps=pid,process_name,used_memory", "--format=csv,noheader"],
      { encoding: "utf8", timeout: 10_000 },
    )
      .trim()
      .split("\n")
      .filter(Boolean);
  } catch (error) {
    return [`nvidia-smi failed: ${error.message.split("\n")[0]}`];
  }
}

/** Device-wide used and total memory (MiB) and utilization, one nvidia-smi query. */
export function gpuState() {
  try {
    const [used, total, util] = execFileSync(
      "nvidia-smi",
      ["--query-gpu=memory.used,memory.total,utilization.gpu", "--format=csv,noheader,nounits"],
      { encoding: "utf8", timeout: 10_000 },
    )
      .trim()
      .split(",")
      .map((x) => Number(x.trim()));
    return { usedMiB: used, totalMiB: total, utilizationPct: util };
  } catch (error) {
    return { error: error.message.split("\n")[0] };
  }
}

const WORDS =
  "the water river stone light house under over small green quiet early round north across open".split(" ");

/** A chat request's messages: one user message of about `words` words, different for every (run, index). */
export function chatMessage(run, index, words = 90) {
  const text = Array.from(
    { length: words },
    (_, k) => WORDS[(run * 7 + index * 13 + k * k * 3 + k) % WORDS.length],
  );
  return [{ role: "user", content: `request ${run}-${index}: ${text.join(" ")}` }];
}
