import { describe, expect, it } from "vitest";
import { findExcessiveNesting } from "./nesting-guard.js";
import { parseYaml } from "./parse-yaml.js";

function issuesOf(text: string) {
  const result = parseYaml(text);
  if (result.ok) throw new Error("expected the YAML to be rejected");
  return result.issues;
}

describe("parseYaml", () => {
  it("reads plain YAML with anchors and aliases for shared blocks", () => {
    const result = parseYaml("limits: &limits { rpm: 10 }\na: *limits\nb: *limits\n");
    expect(result.ok && result.data).toEqual({ limits: { rpm: 10 }, a: { rpm: 10 }, b: { rpm: 10 } });
  });

  it("locates values, keys, and the nearest ancestor of a missing path", () => {
    const result = parseYaml("routes:\n  default:\n    targets: [a, b]\n");
    if (!result.ok) throw new Error("expected the YAML to parse");
    expect(result.locate(["routes", "default", "targets", 1])).toEqual({ line: 3, column: 18 });
    expect(result.locate(["routes", "default"], "key")).toEqual({ line: 2, column: 3 });
    expect(result.locate(["routes", "default", "timeoutMs"])).toEqual({ line: 3, column: 5 });
  });

  it("rejects an empty file", () => {
    expect(issuesOf("# only a comment\n")[0]?.message).toBe("the policy is empty");
  });

  it("reports syntax errors with their line and column", () => {
    expect(issuesOf("a: [1, 2\nb: 3\n")[0]).toMatchObject({ position: { line: 2, column: 1 } });
  });

  it("rejects an alias whose anchor comes later or never", () => {
    expect(issuesOf("a: *missing\n")[0]).toMatchObject({
      path: ["a"],
      message: "alias `*missing` has no anchor before it",
      position: { line: 1, column: 4 },
    });
  });

  it("rejects mapping keys that are not plain scalars", () => {
    expect(issuesOf("? [a, b]\n: 1\n")[0]?.message).toBe("keys must be plain strings");
  });

  it("rejects an alias that would push nesting past the limit", () => {
    const deep = `${"[".repeat(20)}${"]".repeat(20)}`;
    const text = `a: &deep ${deep}\nb: ${"[".repeat(15)}*deep${"]".repeat(15)}\n`;
    expect(issuesOf(text)[0]?.message).toBe("collections nest deeper than 32 levels");
  });

  it("rejects YAML 1.1 tags such as !!binary and !!set", () => {
    expect(issuesOf("a: !!binary aGk=\n")[0]?.message).toBe(
      "unknown tag `!!binary`: custom tags are not allowed",
    );
    expect(issuesOf("a: !!set { x }\n")[0]?.message).toBe("unknown tag `!!set`: custom tags are not allowed");
  });

  it.each([
    ["a megabyte of [", `a: ${"[".repeat(1_000_000)}`],
    ["a megabyte of - ", `${"- ".repeat(500_000)}x\n`],
    ["a megabyte of {a: ", "{a: ".repeat(250_000)],
  ])("rejects %s before the parser sees it (the parser would run out of memory)", (_, text) => {
    // The lexer-only guard reports no path; the tree walk would.
    expect(issuesOf(text)).toEqual([
      { path: [], message: "collections nest deeper than 32 levels", position: expect.any(Object) },
    ]);
  });

  it("rejects text over 1 MB without parsing it", () => {
    expect(issuesOf(`a: "${"x".repeat(1_048_576)}"`)[0]?.message).toMatch(/the limit is 1048576 \(1 MB\)$/);
  });
});

describe("findExcessiveNesting", () => {
  it("counts compact block sequences on one line", () => {
    expect(findExcessiveNesting("- - - x\n", 2)).toEqual({ line: 1, column: 5 });
    expect(findExcessiveNesting("- - - x\n", 3)).toBeUndefined();
  });

  it("counts block mappings by indentation", () => {
    expect(findExcessiveNesting("a:\n  b:\n    c: 1\n", 2)).toEqual({ line: 3, column: 6 });
    expect(findExcessiveNesting("a:\n  b: 1\nc:\n  d: 1\n", 2)).toBeUndefined();
  });

  it("ignores brackets inside block scalars, quoted strings and comments", () => {
    const text = 'a: |\n  [[[[[[[[\nb: "[[[[[[[["\n# [[[[[[[[\nc: it\'s [[[[[[[[\n';
    expect(findExcessiveNesting(text, 3)).toBeUndefined();
  });

  it("counts flow collections inside block ones", () => {
    expect(findExcessiveNesting("a:\n  b: [[x]]\n", 3)).toEqual({ line: 2, column: 7 });
  });
});

describe("parseYaml on tagged keys", () => {
  it("rejects a custom tag on a mapping key too", () => {
    expect(issuesOf("!include extra: 1\n")[0]).toMatchObject({
      path: ["extra"],
      message: "unknown tag `!include`: custom tags are not allowed",
      position: { line: 1, column: 1 },
    });
  });
});
