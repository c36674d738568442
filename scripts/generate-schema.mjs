#!/usr/bin/env node
// Writes schema/policy.schema.json from the zod policy schema (run `npm run build` first).
// src/config/policy-json-schema.test.ts fails when the committed file drifts from the schema.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const { policyJsonSchema } = await import("../dist/index.js");
const target = fileURLToPath(new URL("../schema/policy.schema.json", import.meta.url));
writeFileSync(target, `${JSON.stringify(await policyJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
