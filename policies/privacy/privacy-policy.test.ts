import { describe, expect, it } from "vitest";
import { makeInput, makeTarget, rejectedIds } from "../test/policy-input.js";
import { privacyPolicy } from "./privacy-policy.js";

const local = makeTarget("local-small", { provider: "local", capabilities: { local: true } });
const privateCloud = makeTarget("bedrock", { provider: "bedrock", capabilities: { noTraining: true } });
const remote = makeTarget("fast-cheap", { provider: "openai" });
const targets = [local, privateCloud, remote];

describe("privacy policy", () => {
  it("keeps every target when neither the request nor the route names a privacy class", () => {
    expect(privacyPolicy.filter?.(makeInput(targets))).toEqual([]);
  });

  it("keeps only local targets for a local-only request", () => {
    const rejections = privacyPolicy.filter?.(makeInput(targets, { request: { privacy: "local-only" } }));
    expect(rejections).toEqual([
      { target: "bedrock", reason: "runs remotely on bedrock; the call is local-only" },
      { target: "fast-cheap", reason: "runs remotely on openai; the call is local-only" },
    ]);
  });

  it("applies a local-only route even when the request asks only for no-training", () => {
    const input = makeInput(targets, {
      request: { privacy: "no-training" },
      route: { privacy: "local-only" },
    });
    expect(rejectedIds(privacyPolicy, input)).toEqual(["bedrock", "fast-cheap"]);
  });

  it("keeps no-training and local targets for a no-training request", () => {
    const rejections = privacyPolicy.filter?.(makeInput(targets, { route: { privacy: "no-training" } }));
    expect(rejections).toEqual([
      { target: "fast-cheap", reason: "openai may train on requests; the call is no-training" },
    ]);
  });
});
