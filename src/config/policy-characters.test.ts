import { isUtf8 } from "node:buffer";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { PolicyFileError } from "../core/index.js";
import { decodePolicyBytes, findInvalidUtf8 } from "./decode-policy-bytes.js";
import type { PolicyFile } from "./policy-schema.js";
import { readPolicyFileSync } from "./read-policy-file.js";
import { checkPolicy, loadPolicy, loadPolicyText } from "./test/with-builtins.js";

const folder = mkdtempSync(join(tmpdir(), "switchyard-policy-characters-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const head =
  "providers:\n  local: { type: local, model: ./m.gguf }\ntargets:\n  t: { provider: local, model: ";
const tail = " }\nroutes:\n  default: { targets: [t] }\n";

/** A policy whose line 4 holds `middle` as the model's name, starting at column 32. */
function policyBytes(middle: number[]): Buffer {
  return Buffer.concat([Buffer.from(head), Buffer.from(middle), Buffer.from(tail)]);
}

function writePolicy(name: string, bytes: Uint8Array): string {
  const file = join(folder, name);
  writeFileSync(file, bytes);
  return file;
}

async function loadError(file: string): Promise<PolicyFileError> {
  const error = await loadPolicy(file).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!PolicyFileError.isInstance(error)) throw new Error(`expected a PolicyFileError, got ${String(error)}`);
  return error;
}

describe("policy files that are not clean UTF-8 text", () => {
  it.each([
    ["a byte that starts no character", [0x6d, 0xff, 0x6d], /\(0xFF\): a byte that never occurs in UTF-8/],
    ["a stray continuation byte", [0x6d, 0x80], /\(0x80\): a continuation byte without a character/],
    ["a character cut short", [0x6d, 0xc3, 0x28], /\(0xC3\): a character is cut short/],
    ["an overlong slash (C0 AF)", [0x6d, 0xc0, 0xaf], /\(0xC0\): an overlong encoding/],
    ["an overlong three-byte form (E0 80 AF)", [0x6d, 0xe0, 0x80, 0xaf], /\(0xE0\): an overlong encoding/],
    ["an encoded surrogate (ED A0 80)", [0x6d, 0xed, 0xa0, 0x80], /\(0xED\): an encoded surrogate/],
    ["a code point above U+10FFFF", [0x6d, 0xf4, 0x90, 0x80, 0x80], /\(0xF4\): a code point above U\+10FFFF/],
  ])("rejects %s at its line and column instead of reading U+FFFD", async (_name, middle, message) => {
    const file = writePolicy("bad-utf8.yaml", policyBytes(middle));
    const error = await loadError(file);
    expect(error.issues).toEqual([
      expect.objectContaining({ file, line: 4, column: 33, message: expect.stringMatching(message) }),
    ]);
    expect(error.message).toContain(`${file}:4:33`);
  });

  it.each([
    ["a NUL byte", 0x00, "U+0000 (NUL)"],
    ["a C0 control character", 0x01, "U+0001"],
    ["an escape character", 0x1b, "U+001B (ESC)"],
    ["DEL", 0x7f, "U+007F (DEL)"],
  ])("rejects %s with file:line:col", async (_name, byte, label) => {
    const file = writePolicy("control.yaml", policyBytes([0x6d, byte, 0x6d]));
    const error = await loadError(file);
    expect(error.issues).toEqual([
      expect.objectContaining({
        file,
        line: 4,
        column: 33,
        message: `the control character ${label} is not allowed in a policy: YAML allows only tab, LF, CR and printable characters`,
      }),
    ]);
  });

  it("rejects a byte order mark past the start, and accepts one at the start", async () => {
    const middle = writePolicy("bom-middle.yaml", policyBytes([0x6d, 0xef, 0xbb, 0xbf, 0x6d]));
    expect((await loadError(middle)).issues[0]).toMatchObject({
      line: 4,
      column: 33,
      message: "a byte order mark (U+FEFF) is not allowed in a policy: it may only start the file",
    });
    const leading = writePolicy(
      "bom-start.yaml",
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), policyBytes([0x6d])]),
    );
    const { policy } = await loadPolicy(leading);
    expect(policy.targets.t?.model).toBe("m");
  });

  it("keeps tabs, CR LF line ends and non-ASCII text", async () => {
    const text = `${head}"mödel-名前"${tail}`.replaceAll("\n", "\r\n").replace("local: {", "local:\t{");
    const { policy } = await loadPolicy(writePolicy("clean.yaml", Buffer.from(text)));
    expect(policy.targets.t?.model).toBe("mödel-名前");
  });

  it("reports the same for switchyard check and for the watcher's synchronous read", async () => {
    const file = writePolicy("nul.yaml", policyBytes([0x6d, 0xc0, 0x80]));
    const report = await checkPolicy(file);
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([expect.objectContaining({ file, line: 4, column: 33 })]);
    expect(() => readPolicyFileSync(file)).toThrow(
      /:4:33: invalid UTF-8 at byte \d+ \(0xC0\): an overlong encoding/,
    );
  });

  it("rejects a lone surrogate in policy text held in memory", () => {
    expect(() => loadPolicyText(`${head}"m\uD800"${tail}`)).toThrow(
      /<policy>:4:34: a lone surrogate \(U\+D800\) is not allowed in a policy: it has no UTF-8 encoding/,
    );
  });
});

describe("policy objects with strings a file could not hold", () => {
  const policy = (model: string, headers: Record<string, string> = {}): PolicyFile => ({
    providers: { local: { type: "local", model: "./m.gguf", headers } },
    targets: { t: { provider: "local", model } },
    routes: { default: { targets: ["t"] } },
  });

  it.each([
    ["a NUL", "m\u0000", "the control character U+0000 (NUL)"],
    ["a lone surrogate", "m\uDC00", "a lone surrogate (U+DC00)"],
    ["a byte order mark", "\uFEFFm", "a byte order mark (U+FEFF)"],
  ])("rejects %s in a value, naming its path", async (_name, model, character) => {
    const error = await loadPolicy(policy(model)).catch((caught: unknown) => caught);
    expect(PolicyFileError.isInstance(error) && error.issues).toEqual([
      expect.objectContaining({
        path: "targets.t.model",
        message: expect.stringContaining(`${character} is not allowed`),
      }),
    ]);
  });

  it("rejects a control character in a key, naming the key", async () => {
    const error = await loadPolicy(policy("m", { "x-\u0007": "v" })).catch((caught: unknown) => caught);
    expect(PolicyFileError.isInstance(error) && error.issues[0]).toMatchObject({
      path: 'providers.local.headers["x-\\u0007"]',
      message: expect.stringMatching(/^the key: the control character U\+0007 is not allowed/),
    });
  });
});

describe("findInvalidUtf8", () => {
  it("agrees with Node's own UTF-8 check on any bytes, and everything before the flaw is valid", () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 24 }),
      fc.string({ unit: "binary" }).map((text) => new Uint8Array(Buffer.from(text))),
      fc
        .tuple(fc.string({ unit: "binary" }), fc.uint8Array({ maxLength: 4 }), fc.string({ unit: "binary" }))
        .map(
          ([before, middle, after]) =>
            new Uint8Array(Buffer.concat([Buffer.from(before), middle, Buffer.from(after)])),
        ),
    );
    fc.assert(
      fc.property(bytes, (input) => {
        const flaw = findInvalidUtf8(input);
        expect(flaw === undefined).toBe(isUtf8(input));
        if (flaw) expect(isUtf8(input.subarray(0, flaw.offset))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("decodes what it accepts exactly as a lenient decoder would", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const lenient = Buffer.from(text)
          .toString("utf8")
          .replace(/^\uFEFF/, "");
        expect(decodePolicyBytes("p.yaml", new Uint8Array(Buffer.from(text)))).toBe(lenient);
      }),
    );
  });
});
