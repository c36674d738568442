#!/usr/bin/env node
// The package as a user gets it: `npm pack`, then the tarball installed offline (npm's cache, the
// one `npm ci` filled) into a throwaway folder that holds four apps — ES module, CommonJS,
// TypeScript with moduleResolution node16 (a CommonJS app, the `require` condition) and bundler
// (`import`), both type-checked with `tsc` and then run. Each makes a real call through the router
// to a loopback OpenAI-compatible server this script runs. Then the CLI and the shipped example
// run from the install, and the installed tree is checked: no install script anywhere, nothing
// compiled, no development files. Exit 0 when all of it holds; the first failure exits 1.
//
//   node scripts/pack-smoke.mjs            (npm run pack:smoke; .ci/run runs it)
//   node scripts/pack-smoke.mjs --engine   then also the local engine user's step: node-llama-cpp
//                                          added (linked from this repository), `npx switchyard
//                                          engine build`, and chat, ESM and CommonJS on the engine
//                                          (~30-60 s more: it compiles the addon)
//   SWITCHYARD_SMOKE_KEEP=1 keeps the temporary folder and prints where it is.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
const tsc = join(repo, "node_modules", "typescript", "bin", "tsc");
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
const step = (text) => console.log(`pack-smoke [${seconds()} s] ${text}`);

function fail(message) {
  console.error(`pack-smoke: FAILED: ${message}`);
  process.exit(1);
}

/** Runs a command; resolves with its output, or fails the smoke test with it. */
function run(command, args, options = {}) {
  return new Promise((resolve) => {
    execFile(command, args, { maxBuffer: 64 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
      if (error && !options.allowFailure) {
        fail(`${command} ${args.join(" ")} exited with ${error.code}\n${stdout}\n${stderr}`);
      }
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

/** POST /v1/chat/completions with Bearer sk-smoke: one JSON completion naming the model it got. */
function startServer() {
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      const json = (status, value) => {
        response.writeHead(status, { "content-type": "application/json", "x-request-id": "req_smoke" });
        response.end(JSON.stringify(value));
      };
      if (request.method !== "POST" || request.url !== "/v1/chat/completions") {
        return json(404, {
          error: { message: `no ${request.method} ${request.url}`, type: "invalid_request_error" },
        });
      }
      if (request.headers.authorization !== "Bearer sk-smoke") {
        return json(401, {
          error: { message: "bad key", type: "invalid_request_error", code: "invalid_api_key" },
        });
      }
      const { model, stream } = JSON.parse(body);
      if (stream) {
        response.writeHead(200, { "content-type": "text/event-stream" });
        const chunk = (delta, finish, usage) =>
          `data: ${JSON.stringify({ id: "chatcmpl-smoke", object: "chat.completion.chunk", created: 1741569952, model, choices: usage ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;
        response.write(chunk({ role: "assistant", content: "" }, null));
        response.write(chunk({ content: `pong from ${model}` }, null));
        response.write(chunk({}, "stop"));
        response.write(chunk(null, null, { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 }));
        response.end("data: [DONE]\n\n");
        return;
      }
      json(200, {
        id: "chatcmpl-smoke",
        object: "chat.completion",
        created: 1741569952,
        model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: `pong from ${model}`, refusal: null },
            logprobs: null,
            finish_reason: "stop",
          },
        ],
        usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
      });
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** The policy every app uses, as an object: the loopback server behind an openai-compatible provider. */
const policySource = `{
  providers: { loop: { type: "openai-compatible", host: "generic", baseURL: String(process.env.SMOKE_BASE_URL), apiKey: String(process.env.SMOKE_KEY) } },
  targets: { main: { provider: "loop", model: "smoke-model", price: { input: 0.15, output: 0.6 } } },
  routes: { default: { targets: ["main"] } },
}`;
const callSource = `const router = await createRouter({ policy: ${policySource} });
  try {
    const result = await router.chat({ messages: [{ role: "user", content: "ping" }], maxTokens: 8 });
    console.log(JSON.stringify({ text: result.text, target: result.route.target }));
  } finally {
    await router.close();
  }`;

const apps = {
  esm: {
    "package.json": { type: "module" },
    "app.js": `import { createRouter } from "switchyard-ai";\n${callSource.replace(/^/, "")}\n`,
  },
  cjs: {
    "package.json": { type: "commonjs" },
    "app.js": `const { createRouter } = require("switchyard-ai");
if (!require.resolve("switchyard-ai").includes("/dist/cjs/")) throw new Error("require() did not get the CommonJS build");
(async () => {
  ${callSource}
})().catch((error) => { console.error(error); process.exitCode = 1; });\n`,
  },
  "ts-node16": {
    "package.json": { type: "commonjs" },
    "tsconfig.json": {
      compilerOptions: {
        module: "node16",
        moduleResolution: "node16",
        target: "es2022",
        strict: true,
        outDir: "out",
        skipLibCheck: false,
        types: ["node"],
        typeRoots: [join(repo, "node_modules", "@types")],
      },
      files: ["app.ts"],
    },
    "app.ts": `import { type ChatResult, createRouter, SwitchyardError } from "switchyard-ai";
async function main(): Promise<void> {
  ${callSource}
  const check: (result: ChatResult) => string = (result) => result.text;
  void check;
  void SwitchyardError.isInstance;
}
main().catch((error: unknown) => { console.error(error); process.exitCode = 1; });\n`,
    run: "out/app.js",
  },
  "ts-bundler": {
    "package.json": { type: "module" },
    "tsconfig.json": {
      compilerOptions: {
        module: "preserve",
        moduleResolution: "bundler",
        target: "es2022",
        strict: true,
        outDir: "out",
        skipLibCheck: false,
        types: ["node"],
        typeRoots: [join(repo, "node_modules", "@types")],
      },
      files: ["app.ts"],
    },
    "app.ts": `import { type ChatResult, createRouter } from "switchyard-ai";
${callSource.replace("console.log(JSON.stringify({ text: result.text, target: result.route.target }));", "const typed: ChatResult = result;\n    console.log(JSON.stringify({ text: typed.text, target: typed.route.target }));")}\n`,
    run: "out/app.js",
  },
};

const work = await mkdtemp(join(tmpdir(), "switchyard-pack-smoke-"));
const server = await startServer();
try {
  const baseURL = `http://127.0.0.1:${server.address().port}/v1`;
  const env = { ...process.env, SMOKE_BASE_URL: baseURL, SMOKE_KEY: "sk-smoke" };
  delete env.OPENAI_API_KEY;
  delete env.ANTHROPIC_API_KEY;

  step("npm pack (prepack: clean build, manifest without scripts)");
  const packed = await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: repo });
  // The lifecycle scripts print first; npm's JSON report is the array that starts a line at the end.
  const [{ filename, integrity }] = JSON.parse(
    packed.stdout.slice(`\n${packed.stdout}`.lastIndexOf("\n[\n")),
  );
  if (existsSync(join(repo, ".package.json.before-pack"))) fail("postpack did not restore package.json");
  if (!JSON.parse(readFileSync(join(repo, "package.json"), "utf8")).scripts?.prepare) {
    fail("the repository's package.json lost its scripts");
  }

  step(`npm ci --offline ${filename} (the repository's lockfile entries: no registry needed)`);
  const app = join(work, "app");
  await mkdir(app);
  await writeAppManifests(app, filename, integrity);
  const installed = await run("npm", ["ci", "--offline", "--no-audit", "--no-fund", "--foreground-scripts"], {
    cwd: app,
    env,
  });
  const withScripts = packagesWithInstallScripts(join(app, "node_modules"));
  if (withScripts.length > 0) fail(`installed packages with install scripts: ${withScripts.join(", ")}`);
  if (/node-gyp|cmake|switchyard_llama|native|engine/i.test(installed.stdout + installed.stderr)) {
    fail(`the install mentions the engine or a build:\n${installed.stdout}${installed.stderr}`);
  }
  checkInstalledTree(join(app, "node_modules", "switchyard-ai"));

  for (const [name, files] of Object.entries(apps)) {
    const folder = join(app, name);
    await mkdir(folder);
    for (const [file, content] of Object.entries(files)) {
      if (file === "run") continue;
      await writeFile(
        join(folder, file),
        typeof content === "string" ? content : JSON.stringify(content, null, 2),
      );
    }
    if (files["tsconfig.json"]) {
      step(`${name}: tsc (type-check, skipLibCheck off, then emit)`);
      await run(process.execPath, [tsc, "-p", folder], { cwd: folder });
    }
    step(`${name}: a call through the router`);
    const { stdout } = await run(process.execPath, [files.run ?? "app.js"], { cwd: folder, env });
    const answer = JSON.parse(stdout.trim().split("\n").at(-1));
    if (answer.text !== "pong from smoke-model" || answer.target !== "main")
      fail(`${name} answered ${stdout}`);
  }

  step("the CLI from the install: --version, init, check --no-env, chat");
  const bin = join(app, "node_modules", ".bin", "switchyard");
  const { version } = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
  const shown = await run(bin, ["--version"], { cwd: app, env });
  if (shown.stdout.trim() !== version) fail(`--version printed ${shown.stdout}`);
  await run(bin, ["init"], { cwd: app, env: { ...env, OPENAI_API_KEY: "sk-init" } });
  const checked = await run(bin, ["check", "--no-env", "switchyard.yaml"], { cwd: app, env });
  if (!checked.stdout.includes("environment variable OPENAI_API_KEY is not set"))
    fail(`check --no-env: ${checked.stdout}`);
  await rm(join(app, "switchyard.yaml"));
  // Cloud-only: the bundled offline policy needs the engine; the error names the one step.
  const chat = await run(bin, ["chat", "hi"], { cwd: app, env, allowFailure: true });
  if (chat.code !== 1 || !chat.stderr.includes("npx switchyard engine build")) {
    fail(`chat without the engine: exit ${chat.code}\n${chat.stderr}`);
  }

  step("the shipped example, cloud-only");
  const example = await run(
    process.execPath,
    [join(app, "node_modules", "switchyard-ai", "dist", "examples", "outage-fallback.js")],
    { cwd: app, env },
  );
  if (!example.stdout.includes("Still answering from Claude.")) fail(`the example printed ${example.stdout}`);

  if (process.argv.includes("--engine")) await checkEngine(app, bin, env);
  step("ok");
} finally {
  server.close();
  if (process.env.SWITCHYARD_SMOKE_KEEP === "1") console.log(`pack-smoke: kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}

/**
 * The app's package.json and a lockfile made of the repository's own entries for the package's
 * dependencies (their tarballs are in npm's cache since \`npm ci\`), so \`npm ci --offline\` needs
 * no registry metadata.
 */
async function writeAppManifests(app, filename, integrity) {
  const spec = `file:../${filename}`;
  const manifest = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
  const repoLock = JSON.parse(readFileSync(join(repo, "package-lock.json"), "utf8"));
  const packages = { "": { name: "smoke-app", dependencies: { "switchyard-ai": spec } } };
  for (const [path, entry] of Object.entries(repoLock.packages)) {
    if (path.startsWith("node_modules/") && !entry.dev && !entry.devOptional) packages[path] = entry;
  }
  packages["node_modules/switchyard-ai"] = {
    version: manifest.version,
    resolved: spec,
    integrity,
    license: manifest.license,
    dependencies: manifest.dependencies,
    peerDependencies: manifest.peerDependencies,
    peerDependenciesMeta: manifest.peerDependenciesMeta,
    bin: manifest.bin,
    engines: manifest.engines,
  };
  const lock = { name: "smoke-app", lockfileVersion: 3, requires: true, packages };
  await writeFile(
    join(app, "package.json"),
    JSON.stringify({ name: "smoke-app", private: true, dependencies: { "switchyard-ai": spec } }),
  );
  await writeFile(join(app, "package-lock.json"), JSON.stringify(lock, null, 2));
}

/** The local engine user's one step, in the same install, then calls that the engine answers. */
async function checkEngine(app, bin, env) {
  step("--engine: node-llama-cpp added, npx switchyard engine build");
  await symlink(
    join(repo, "node_modules", "node-llama-cpp"),
    join(app, "node_modules", "node-llama-cpp"),
    "dir",
  );
  const built = await run(bin, ["engine", "build"], { cwd: app, env });
  if (!built.stdout.startsWith("built ")) fail(`engine build printed ${built.stdout}`);
  step("--engine: chat on the bundled offline policy, then ESM and CommonJS calls on the engine");
  const chat = await run(bin, ["chat", "--max-tokens", "4", "hi"], { cwd: app, env });
  if (!chat.stderr.includes("route default → tiny (local:tiny-llama)"))
    fail(`chat on the engine: ${chat.stderr}`);
  const policy = join(app, "node_modules", "switchyard-ai", "examples", "default.yaml");
  const call = `const router = await createRouter({ policy: ${JSON.stringify(policy)} });
    const result = await router.chat({ messages: [{ role: "user", content: "hi" }], maxTokens: 4 });
    await router.close();
    console.log(result.route.target);`;
  const esm = await run(
    process.execPath,
    ["--input-type=module", "-e", `import { createRouter } from "switchyard-ai";\n${call}`],
    { cwd: join(app, "esm"), env },
  );
  const cjs = await run(
    process.execPath,
    ["-e", `const { createRouter } = require("switchyard-ai");\n(async () => { ${call} })();`],
    { cwd: join(app, "cjs"), env },
  );
  if (esm.stdout.trim() !== "tiny" || cjs.stdout.trim() !== "tiny")
    fail(`engine calls: ${esm.stdout} / ${cjs.stdout}`);
}

/** Every installed package that npm would run an install script for (or node-gyp, for a binding.gyp). */
function packagesWithInstallScripts(nodeModules) {
  const found = [];
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.name.startsWith("@")) {
        visit(path);
        continue;
      }
      const manifestPath = join(path, "package.json");
      if (existsSync(manifestPath)) {
        const { scripts = {} } = JSON.parse(readFileSync(manifestPath, "utf8"));
        const hooks = ["preinstall", "install", "postinstall"].filter((hook) => scripts[hook] !== undefined);
        if (existsSync(join(path, "binding.gyp"))) hooks.push("binding.gyp");
        if (hooks.length > 0) found.push(`${relative(nodeModules, path)} (${hooks.join(", ")})`);
      }
      if (existsSync(join(path, "node_modules"))) visit(join(path, "node_modules"));
    }
  };
  visit(nodeModules);
  return found;
}

/** No scripts, nothing compiled, no sources maps or development files in the installed package. */
function checkInstalledTree(root) {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  if (manifest.scripts !== undefined)
    fail(`the installed manifest has scripts: ${Object.keys(manifest.scripts)}`);
  if (!existsSync(join(root, "LICENSE"))) fail("no LICENSE");
  const bad = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === "node_modules" || entry.name === "build" || entry.name === "scripts")
          bad.push(path);
        else walk(path);
      } else if (
        /\.(node|map|gguf|o|so|dylib)$|\.test\./.test(entry.name) ||
        (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
      ) {
        bad.push(path);
      }
    }
  };
  walk(root);
  if (bad.length > 0)
    fail(`the installed package holds ${bad.map((path) => relative(root, path)).join(", ")}`);
}
