/**
 * The child side of `ProcessEngine`: one `LocalEngine` in a process of its own, driven over IPC, so
 * that a crash or an out-of-memory abort inside llama.cpp ends this process and not the application.
 */
import { EngineError, type Generation, LocalEngine, listGpuDevices } from "../../../local-engine/index.js";
import { chatPromptTokens } from "../chat-prompt-tokens.js";
import { countChatPromptTokens } from "../count-chat-prompt-tokens.js";
import type { ChatCountRequest, ChatGenerateRequest } from "../engine-handle.js";
import { type ChildMessage, type ParentMessage, toWireError } from "./protocol.js";

const BUSY_METRICS_MS = 100;
const IDLE_METRICS_EVERY = 10; // ticks: about once a second while idle
const CLOSE_TIMEOUT_MS = 5_000;

if (process.send === undefined) {
  process.stderr.write("engine-process.js is started by ProcessEngine over IPC, not directly\n");
  process.exit(2);
}

let engine: LocalEngine | undefined;
let loading = false;
let closing = false;
const cancels = new Map<number, AbortController>();
const pumps = new Set<Promise<void>>();
let outbox: ChildMessage[] = [];
let flushScheduled = false;
let metricsTimer: NodeJS.Timeout | undefined;

function post(message: ChildMessage): void {
  outbox.push(message);
  if (!flushScheduled) {
    flushScheduled = true;
    // After this tick's I/O callbacks: one native step dispatches every slot's tokens at once.
    setImmediate(() => {
      if (flushScheduled) flush();
    });
  }
}

/** Sends what this tick produced, with fresh metrics, as one IPC message. */
function flush(then?: () => void): void {
  flushScheduled = false;
  if (engine !== undefined && !closing) outbox.push({ type: "metrics", metrics: engine.metrics() });
  const batch = outbox;
  outbox = [];
  if (batch.length === 0 || !process.connected) {
    then?.();
    return;
  }
  // A send error means the parent is gone: 'disconnect' follows and closes the engine.
  process.send?.(batch, undefined, undefined, () => then?.());
}

async function load(options: Extract<ParentMessage, { type: "load" }>["options"]): Promise<void> {
  if (loading || engine !== undefined) return;
  loading = true;
  let loaded: LocalEngine;
  try {
    loaded = await LocalEngine.load({
      ...options,
      onProgress: (fraction) => post({ type: "progress", fraction }),
    });
  } catch (error) {
    post({ type: "loadFailed", error: toWireError(error) });
    flush(() => process.exit(1));
    return;
  }
  if (closing) return; // shutdown() exits
  engine = loaded;
  post({ type: "ready", info: loaded.info });
  let ticks = 0;
  metricsTimer = setInterval(() => {
    ticks += 1;
    if (cancels.size > 0 || ticks % IDLE_METRICS_EVERY === 0) flush();
  }, BUSY_METRICS_MS);
}

function generate(id: number, request: Omit<ChatGenerateRequest, "signal">): void {
  if (engine === undefined || closing) {
    post({
      type: "refused",
      id,
      error: toWireError(new EngineError("CLOSED", "the local engine is closed")),
    });
    return;
  }
  const cancel = new AbortController();
  let generation: Generation;
  try {
    const { messages, tools, ...rest } = request;
    generation = engine.generate({
      ...rest,
      prompt: chatPromptTokens(engine, messages, tools),
      signal: cancel.signal,
    });
  } catch (error) {
    post({ type: "refused", id, error: toWireError(error) });
    return;
  }
  cancels.set(id, cancel);
  post({ type: "accepted", id });
  const pump = relay(id, generation).finally(() => {
    cancels.delete(id);
    pumps.delete(pump);
  });
  pumps.add(pump);
}

/** Counts in slices of this process's event loop, so the token relay of other requests goes on. */
function count(id: number, request: ChatCountRequest): void {
  if (engine === undefined || closing) {
    post({
      type: "countFailed",
      id,
      error: toWireError(new EngineError("CLOSED", "the local engine is closed")),
    });
    return;
  }
  const cancel = new AbortController();
  cancels.set(id, cancel);
  countChatPromptTokens(engine, request.messages, request.tools, {
    signal: cancel.signal,
    exactTokens: engine.info.contextPerSlot,
  })
    .then(
      (tokens) => post({ type: "counted", id, tokens }),
      (error: unknown) => post({ type: "countFailed", id, error: toWireError(error) }),
    )
    .finally(() => cancels.delete(id));
}

/** Embeds in this process's engine; the vectors go back in the next batch. */
function embed(id: number, values: string[]): void {
  if (engine === undefined || closing) {
    post({
      type: "embedFailed",
      id,
      error: toWireError(new EngineError("CLOSED", "the local engine is closed")),
    });
    return;
  }
  const cancel = new AbortController();
  cancels.set(id, cancel);
  engine
    .embed(values, { signal: cancel.signal })
    .then(
      (output) => post({ type: "embedded", id, output }),
      (error: unknown) => post({ type: "embedFailed", id, error: toWireError(error) }),
    )
    .finally(() => cancels.delete(id));
}

async function relay(id: number, generation: Generation): Promise<void> {
  void generation.admission.then((admitted) => {
    if (admitted) post({ type: "admitted", id });
  });
  for await (const event of generation) post({ type: "tokens", id, text: event.text, tokens: event.tokens });
  const { text: _text, ...completion } = await generation.done;
  post({ type: "done", id, completion });
}

/** Finishes every request with "abort" (the engine does), reports them, frees the model, exits. */
async function shutdown(code: number): Promise<void> {
  if (closing) return;
  closing = true;
  clearInterval(metricsTimer);
  // Nobody may be left to kill a child whose close hangs (the parent is gone).
  setTimeout(() => process.exit(code === 0 ? 1 : code), CLOSE_TIMEOUT_MS).unref();
  await engine?.close();
  await Promise.all(pumps);
  flush(() => process.exit(code));
}

let failed = false;
function fail(error: unknown): void {
  if (failed) process.exit(1);
  failed = true;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`switchyard engine process: ${error instanceof Error ? error.stack : message}\n`);
  post({ type: "fatal", message });
  flush(() => process.exit(1));
}

process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);
process.on("disconnect", () => void shutdown(0));
process.on("message", (message: ParentMessage) => {
  switch (message.type) {
    case "load":
      void load(message.options);
      break;
    case "generate":
      generate(message.id, message.request);
      break;
    case "count":
      count(message.id, message.request);
      break;
    case "embed":
      embed(message.id, message.values);
      break;
    case "cancel":
      cancels.get(message.id)?.abort();
      break;
    case "close":
      void shutdown(0);
      break;
    case "list-devices":
      try {
        post({ type: "devices", devices: listGpuDevices(message.options) });
        flush(() => process.exit(0));
      } catch (error) {
        post({ type: "listFailed", error: toWireError(error) });
        flush(() => process.exit(1));
      }
      break;
  }
});
