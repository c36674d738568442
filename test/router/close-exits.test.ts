import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compiledDist } from "../redis/support/compiled-dist.js";

const script = fileURLToPath(new URL("./support/close-and-exit.mjs", import.meta.url));

describe("a process that closes its router", () => {
  it("exits by itself, without process.exit, with every call stopped and nothing sent after close()", async () => {
    const dist = compiledDist();
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((resolve) => {
      // Killed if it is still alive after 20 s: something the router left keeps the event loop busy.
      const child = execFile(process.execPath, [script, dist], { timeout: 20_000 }, (error, out, err) =>
        resolve({
          code: error ? (typeof error.code === "number" ? error.code : null) : 0,
          stdout: out,
          stderr: err,
        }),
      );
      child.stdin?.end();
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const report = JSON.parse(stdout) as {
      errors: Record<string, number>;
      requestsAtClose: number;
      requestsAtExit: number;
    };
    expect(report.errors).toEqual({ RouterClosedError: 50 });
    expect(report.requestsAtExit).toBe(report.requestsAtClose);
  }, 180_000);
});
