import { describe, expect, it, vi } from "vitest";
import { loadOpenTelemetry } from "./load-open-telemetry.js";

// As if the application had not installed the optional peer dependency.
vi.mock("@opentelemetry/api", () => {
  throw new Error("Cannot find package '@opentelemetry/api'");
});

describe("loadOpenTelemetry without @opentelemetry/api installed", () => {
  it("resolves with nothing instead of failing, so the router runs without spans or metrics", async () => {
    await expect(loadOpenTelemetry()).resolves.toBeUndefined();
  });
});
