import { generateKey, hashKey } from "../gateway/virtual-keys.js";
import type { CliDependencies } from "./cli-dependencies.js";
import type { CliIo } from "./cli-io.js";
import { helpOption, parseCommandLine } from "./parse-command-line.js";
import { commandUsage } from "./usage.js";
import { UsageError } from "./usage-error.js";

const keysOptions = { ...helpOption, generate: { type: "boolean", default: false } } as const;

/**
 * `switchyard keys hash KEY` prints the `sha256:<hex>` a policy stores for a virtual key;
 * `--generate` makes a new random key and prints it with its hash.
 */
export async function runKeys(argv: string[], io: CliIo, _dependencies: CliDependencies): Promise<number> {
  const { values, positionals } = parseCommandLine("keys", argv, keysOptions);
  if (values.help) {
    io.stdout(`${commandUsage.keys}\n`);
    return 0;
  }
  const [action, key, ...extra] = positionals;
  if (action !== "hash")
    throw new UsageError(`keys has one action: hash (got ${action ? `"${action}"` : "none"})`);
  if (values.generate) {
    if (key !== undefined) throw new UsageError("keys hash --generate takes no key");
    const made = generateKey();
    io.stdout(`key:  ${made}\nhash: ${hashKey(made)}\n`);
    return 0;
  }
  if (key === undefined || key.length === 0 || extra.length > 0) {
    throw new UsageError("give one key: switchyard keys hash KEY (or --generate for a new one)");
  }
  io.stdout(`${hashKey(key)}\n`);
  return 0;
}
