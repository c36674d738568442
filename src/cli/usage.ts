const exitCodes = `Exit codes: 0 ok; 1 the call, check or plan failed (the error is one line on stderr, typed:
"error: ProviderCallError[rate_limit]: …"); 2 bad usage (unknown command or flag, missing prompt,
FILE or --request, a flag value of the wrong form); 130 interrupted (Ctrl-C).`;

const policyDefault = `Without --policy: $SWITCHYARD_POLICY, else ./switchyard.yaml, else the bundled offline
policy (the local engine on a tiny generated model, written on first use when missing).`;

/** Each command's own help: `switchyard <command> --help`. */
export const commandUsage = {
  chat: `Usage:
  switchyard chat [--policy FILE] [--route NAME] [--stream] [--json] [--trace] [--max-tokens N]
                  [--temperature T] [--system TEXT] [--logprobs K] [--privacy local-only|no-training]
                  [--] "prompt"

Sends the prompt through the policy: the answer on stdout (as it arrives with --stream), the route
taken on stderr (--trace: with the ranking and every rejection); --json prints one object with
text, usage, costUsd, finishReason, logprobs and route instead.
A prompt that starts with "-" goes after "--".
${policyDefault}

${exitCodes}`,
  check: `Usage:
  switchyard check [--no-env] FILE

Validates a policy file and lists every error with file:line:col; warnings (unused targets,
literal secrets, a missing model file, …) are listed either way.
--no-env   lint without the secrets: a \${VAR} that is not set in the environment is a warning
           (with its line:col) instead of an error, and the rest is checked as usual.

Exit codes: 0 valid; 1 invalid (every error on stderr); 2 bad usage.`,
  explain: `Usage:
  switchyard explain [--policy FILE] --request REQUEST.json [--stream] [--json]

A dry run: the candidates, every rejection with its policy and reason, the ranking, the target
that would be chosen and its estimated cost. No provider is called.
${policyDefault}

${exitCodes}`,
  init: `Usage:
  switchyard init [--force] [FILE]

Writes a starter policy (default ./switchyard.yaml, which chat and explain then use) from what this
machine has: a provider, a target and a route for each of OPENAI_API_KEY, ANTHROPIC_API_KEY,
REPLICATE_API_TOKEN, GROQ_API_KEY and TOGETHER_API_KEY that is set (the file holds \${VAR}, never
the key), and the local engine when it is built. An existing file is kept unless --force is given.

Exit codes: 0 written; 1 the file exists (without --force) or nothing to route to; 2 bad usage.`,
  engine: `Usage:
  switchyard engine build [--debug] [--jobs N]

Compiles the local engine's llama.cpp addon inside the installed package (cmake, make, a C++17
compiler and git; nothing is downloaded). Needs node-llama-cpp@3.21.1, which ships llama.cpp:
  npm install node-llama-cpp@3.21.1 --save-exact && npx switchyard engine build
Run it once after installing or upgrading; re-runs are incremental. --debug builds with ASan and
UBSan into build/Debug (used with SWITCHYARD_NATIVE_DEBUG=1); --jobs sets parallel compiles (2).

Exit codes: 0 built; 1 the build failed or node-llama-cpp is missing; 2 bad usage.`,
  serve: `Usage:
  switchyard serve [--policy FILE] [--host 127.0.0.1] [--port 4000] [--drain-ms N]

Runs the policy as an OpenAI-compatible HTTP gateway: POST /v1/chat/completions, /v1/embeddings,
GET /v1/models (the routes, as models), /health/live, /health/ready, /metrics. Callers present a
virtual key of the policy's gateway.keys (Authorization: Bearer KEY) when it lists any. With
gateway.dashboard.enabled, GET /ui is a live dashboard behind its admin key or listed keys.
Binds loopback unless --host says otherwise. SIGTERM or Ctrl-C drains (calls and streams in flight
finish within --drain-ms, default the policy's gateway.drainMs, 30000), SIGHUP reloads the policy.
${policyDefault}

Exit codes: 0 stopped after draining; 1 the policy or the port failed; 2 bad usage.`,
  keys: `Usage:
  switchyard keys hash KEY
  switchyard keys hash --generate

Prints the sha256:<hex> that gateway.keys.<name>.hash stores for KEY (the key itself never goes in
the policy); --generate makes a new random key and prints it with its hash.

Exit codes: 0 printed; 2 bad usage.`,
} as const;

export type CommandName = keyof typeof commandUsage;

/** The help text: every command, flag and exit code. */
export const usage = `Usage:
  switchyard chat [--policy FILE] [--route NAME] [--stream] [--json] [--trace] [--max-tokens N]
                  [--temperature T] [--system TEXT] [--logprobs K] [--privacy local-only|no-training]
                  [--] "prompt"
  switchyard check [--no-env] FILE
  switchyard explain [--policy FILE] --request REQUEST.json [--stream] [--json]
  switchyard init [--force] [FILE]
  switchyard engine build [--debug] [--jobs N]
  switchyard serve [--policy FILE] [--host 127.0.0.1] [--port 4000] [--drain-ms N]
  switchyard keys hash KEY | --generate
  switchyard help | --help | -h      (also: switchyard <command> --help)
  switchyard --version | -v

chat     sends the prompt through the policy: the answer on stdout (as it arrives with --stream),
         the route taken on stderr (--trace: with the ranking and every rejection); --json prints
         one object with text, usage, costUsd, finishReason, logprobs and route instead.
check    validates a policy file and lists every error with file:line:col (--no-env: unset
         \${VAR} are warnings, for linting without the secrets).
explain  a dry run: the candidates, every rejection with its policy and reason, the ranking, the
         target that would be chosen and its estimated cost. No provider is called.
init     writes a starter ./switchyard.yaml from the API keys set in the environment (and the
         local engine when built); never overwrites without --force.
engine   build: compiles the local engine's addon (needs node-llama-cpp@3.21.1 installed).
serve    runs the policy as an OpenAI-compatible HTTP gateway with virtual keys (loopback by default).
keys     hash: prints the sha256:<hex> a policy stores for a virtual key (--generate: a new key).

Without --policy, chat, explain and serve use $SWITCHYARD_POLICY, else ./switchyard.yaml, else the bundled
offline policy (the local engine on a tiny generated model, written on first use when missing).
A prompt that starts with "-" goes after "--".

${exitCodes}`;
