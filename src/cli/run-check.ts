import { resolve } from "node:path";
import type { CliDependencies } from "./cli-dependencies.js";
import type { CliIo } from "./cli-io.js";
import { helpOption, parseCommandLine } from "./parse-command-line.js";
import { formatUnsetReferences, UNSET_PLACEHOLDER, unsetEnvReferences } from "./unset-env-references.js";
import { commandUsage } from "./usage.js";
import { UsageError } from "./usage-error.js";

const checkOptions = { ...helpOption, "no-env": { type: "boolean", default: false } } as const;

/**
 * `switchyard check [--no-env] FILE`: 0 when valid (the summary and warnings on stdout); 1 with
 * every error listed on stderr. With --no-env a `${VAR}` the environment does not set is a
 * warning, so a policy can be linted where its secrets are not (CI, an editor).
 */
export async function runCheck(argv: string[], io: CliIo, dependencies: CliDependencies): Promise<number> {
  const { values, positionals } = parseCommandLine("check", argv, checkOptions);
  if (values.help) {
    io.stdout(`${commandUsage.check}\n`);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (!file) throw new UsageError("name the policy file: switchyard check routing.yaml");
  if (extra.length > 0) throw new UsageError(`check takes one FILE (got also ${extra.join(", ")})`);
  const path = resolve(io.cwd, file);
  let env = io.env;
  let unsetReport = "";
  if (values["no-env"]) {
    const unset = unsetEnvReferences(await readPolicy(path, io), io.env);
    if (unset.length > 0) {
      env = {
        ...io.env,
        ...Object.fromEntries(unset.map((reference) => [reference.name, UNSET_PLACEHOLDER])),
      };
      unsetReport = `\n${formatUnsetReferences(path, unset)}`;
    }
  }
  const { ok, report } = await dependencies.checkPolicy(path, { env });
  if (ok) {
    io.stdout(`${report}${unsetReport}\n`);
    return 0;
  }
  io.stderr(`${report}${unsetReport}\n`);
  return 1;
}

/** The text, or "" when it cannot be read: check itself then reports the file as it always does. */
async function readPolicy(path: string, io: CliIo): Promise<string> {
  try {
    return await io.readFile(path);
  } catch {
    return "";
  }
}
