#!/usr/bin/env node
// Writes schema/policy.schema.json from the zod policy schema (run `npm run build` first).
// src/config/policy-json-schema.test.ts fails when the committed file drifts from the schema.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const { policyJsonSchemaText } = await import("../dist/src/config/policy-json-schema.js");
const target = fileURLToPath(new URL("../schema/policy.schema.json", import.meta.url));
writeFileSync(target, policyJsonSchemaText());
console.log(`wrote ${target}`);
