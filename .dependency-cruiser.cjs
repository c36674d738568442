/**
 * The import direction of DESIGN.md, enforced by `npm run lint`:
 * core ← estimate, limits ← state, config ← router ← cli; providers and policies depend on core
 * only (providers/local also on the local engine, which depends on core only); nothing in src/
 * reaches the providers, policies or the engine by path (the entry registers them); no cycles.
 * Tests and benchmarks may import anything.
 */
const notTests = "(^|/)(test|fixtures)/|\\.test\\.ts$";

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Files import each other (directly or through others): split out what both need.",
      from: { pathNot: notTests },
      to: { circular: true },
    },
    {
      name: "core-imports-nothing",
      severity: "error",
      comment: "src/core is types and interfaces only and imports nothing else in the repo.",
      from: { path: "^src/core/" },
      to: { path: "^(src/(?!core/)|providers/|policies/|local-engine/|index\\.ts)" },
    },
    {
      name: "src-knows-no-provider",
      severity: "error",
      comment: "src/ never imports providers, policies or the engine by path: they are registered.",
      from: { path: "^src/", pathNot: notTests },
      to: { path: "^(providers/|policies/|local-engine/|index\\.ts)" },
    },
    {
      name: "lower-layers-not-router",
      severity: "error",
      comment: "estimate, state, limits and config sit below the router and the CLI.",
      from: { path: "^src/(estimate|state|limits|config)/", pathNot: notTests },
      to: { path: "^src/(router|cli)/" },
    },
    {
      name: "limits-below-state",
      severity: "error",
      comment:
        "The limiters know no store; the Redis-backed ones live with the Redis state (state/redis/limits).",
      from: { path: "^src/limits/", pathNot: notTests },
      to: { path: "^src/state/" },
    },
    {
      name: "redis-through-its-entry",
      severity: "error",
      comment:
        "The router and the CLI use the Redis state through src/state/redis/index.ts, not its internals.",
      from: { path: "^src/(router|cli)/", pathNot: notTests },
      to: { path: "^src/state/redis/(?!index\\.ts$)" },
    },
    {
      name: "router-not-cli",
      severity: "error",
      from: { path: "^src/router/", pathNot: notTests },
      to: { path: "^src/cli/" },
    },
    {
      name: "providers-core-only",
      severity: "error",
      comment: "A provider depends on src/core (and providers/shared); the local one also on the engine.",
      from: { path: "^providers/", pathNot: notTests },
      to: { path: "^(src/(?!core/)|policies/|index\\.ts)" },
    },
    {
      name: "providers-own-folder",
      severity: "error",
      comment: "A provider reaches another provider only through its index.ts (or providers/shared).",
      from: { path: "^providers/([^/]+)/", pathNot: notTests },
      to: {
        path: "^providers/",
        pathNot: ["^providers/$1/", "^providers/shared/", "^providers/[^/]+/index\\.ts$"],
      },
    },
    {
      name: "engine-only-through-local-provider",
      severity: "error",
      comment:
        "Only providers/local imports the local engine (the entry re-exports its types; the CLI bin runs its setup).",
      from: {
        pathNot: [
          "^providers/local/",
          "^local-engine/",
          "^index\\.ts$",
          "^bin/",
          notTests,
          "^bench/",
          "^scripts/",
        ],
      },
      to: { path: "^local-engine/" },
    },
    {
      name: "engine-core-only",
      severity: "error",
      from: { path: "^local-engine/", pathNot: notTests },
      to: { path: "^(src/(?!core/)|providers/|policies/|index\\.ts)" },
    },
    {
      name: "gateway-server-only-in-gateway",
      severity: "error",
      comment: "Only src/gateway imports the HTTP server library (hono).",
      from: { pathNot: ["^src/gateway/", notTests] },
      to: { path: "node_modules/(hono|@hono/node-server)/" },
    },
    {
      name: "gateway-loaded-lazily",
      severity: "error",
      comment:
        "The entry and the CLI reach the gateway's server through a dynamic import: a caller who never serves never loads hono.",
      from: { path: "^(index\\.ts|src/cli/|bin/)" },
      to: {
        path: "^src/gateway/(?!gateway-options\\.ts$|virtual-keys\\.ts$)",
        dependencyTypesNot: ["dynamic-import", "type-only"],
      },
    },
    {
      name: "policies-core-only",
      severity: "error",
      from: { path: "^policies/", pathNot: notTests },
      to: { path: "^(src/(?!core/)|providers/|local-engine/|index\\.ts)" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist)/|^local-engine/native/build" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".mjs", ".cjs", ".d.ts"] },
  },
};
