#!/usr/bin/env node
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { checkPolicy, createRouter, formatCheckReport } from "../index.js";
import { runCli } from "../src/cli/run-cli.js";

// dist/bin/switchyard.js → the package root, where examples/ ships.
const packageRoot = fileURLToPath(new URL("../../", import.meta.url));

const code = await runCli(
  process.argv.slice(2),
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    interactive: process.stderr.isTTY === true,
    readFile: (path) => readFile(path, "utf8"),
    env: process.env,
    cwd: process.cwd(),
  },
  {
    createRouter: (options) => createRouter(options),
    checkPolicy: async (file) => {
      const report = await checkPolicy(file);
      return { ok: report.ok, report: formatCheckReport(report) };
    },
    defaultPolicy: `${packageRoot}examples/default.yaml`,
    fileExists: existsSync,
  },
);
process.exitCode = code;
