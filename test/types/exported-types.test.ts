import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ensureCompiledBuild } from "../support/ensure-compiled-build.js";
import { findUnexportedTypes } from "./unexported-types.js";

const dist = fileURLToPath(new URL("../../dist/index.d.ts", import.meta.url));

describe("the package's declarations", () => {
  it("export every named type that the public API takes or returns (dist/index.d.ts, as built)", async () => {
    await ensureCompiledBuild();
    expect(findUnexportedTypes(dist)).toEqual([]);
  }, 180_000);
});
