#!/usr/bin/env node
import { fileURLToPath } from "node:url";
import * as switchyard from "../index.js";
import { defaultCliDependencies } from "../src/cli/default-cli-dependencies.js";
import { nodeCliIo } from "../src/cli/node-cli-io.js";
import { runCli } from "../src/cli/run-cli.js";
import { engineTools } from "./engine-tools.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const dependencies = defaultCliDependencies(switchyard, here, engineTools);
process.exitCode = await runCli(process.argv.slice(2), nodeCliIo(), dependencies);
