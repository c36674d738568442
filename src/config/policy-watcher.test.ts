import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PolicyFileError } from "../core/index.js";
import type { PolicyWatcher } from "./policy-watcher.js";
import type { LoadedPolicy } from "./resolved-policy.js";
import { watchPolicy } from "./test/with-builtins.js";

const policyText = (timeoutMs: number) =>
  [
    "providers:",
    "  local: { type: local, model: ./m.gguf }",
    "targets:",
    "  t: { provider: local, model: m }",
    "routes:",
    `  default: { targets: [t], timeoutMs: ${timeoutMs} }`,
    "",
  ].join("\n");

type Event = { kind: "change"; result: LoadedPolicy } | { kind: "error"; error: PolicyFileError };

describe("watchPolicy", () => {
  let folder: string;
  let file: string;
  let watcher: PolicyWatcher | undefined;
  let events: Event[];
  let waiters: Array<() => void>;

  const nextEvent = async (): Promise<Event> => {
    const seen = events.length;
    while (events.length === seen) await new Promise<void>((resolve) => waiters.push(resolve));
    const event = events[seen];
    if (event === undefined) throw new Error("no event");
    return event;
  };
  const record = (event: Event) => {
    events.push(event);
    for (const wake of waiters.splice(0)) wake();
  };
  const start = () => {
    watcher = watchPolicy(
      file,
      (result) => record({ kind: "change", result }),
      (error) => record({ kind: "error", error }),
      { debounceMs: 20 },
    );
  };

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "switchyard-watch-"));
    file = join(folder, "routing.yaml");
    writeFileSync(file, policyText(1000));
    events = [];
    waiters = [];
  });
  afterEach(() => {
    watcher?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("reloads a good edit", async () => {
    start();
    writeFileSync(file, policyText(2000));
    const event = await nextEvent();
    expect(event.kind).toBe("change");
    expect(event.kind === "change" && event.result.policy.routes.default?.timeoutMs).toBe(2000);
  });

  it("reports a bad edit with its line, then picks up the fix", async () => {
    start();
    writeFileSync(file, policyText(2000).replace("timeoutMs: 2000", "timeoutMs: -5"));
    const bad = await nextEvent();
    expect(bad.kind).toBe("error");
    expect(bad.kind === "error" && bad.error.issues[0]).toMatchObject({
      file,
      line: 6,
      path: "routes.default.timeoutMs",
    });
    writeFileSync(file, policyText(3000));
    const fixed = await nextEvent();
    expect(fixed.kind === "change" && fixed.result.policy.routes.default?.timeoutMs).toBe(3000);
  });

  it("follows an editor's save by writing a temporary file and renaming it", async () => {
    start();
    const temporary = join(folder, ".routing.yaml.swp");
    writeFileSync(temporary, policyText(4000));
    renameSync(temporary, file);
    const event = await nextEvent();
    expect(event.kind === "change" && event.result.policy.routes.default?.timeoutMs).toBe(4000);
  });

  it("ignores a save that leaves the text unchanged", async () => {
    start();
    writeFileSync(file, policyText(1000));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(events).toEqual([]);
    writeFileSync(file, policyText(6000));
    await nextEvent();
    expect(events).toHaveLength(1);
  });

  it("stops reporting once closed", async () => {
    start();
    watcher?.close();
    writeFileSync(file, policyText(5000));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events).toEqual([]);
  });
});
