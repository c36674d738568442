/** The help text: every command, flag and exit code. */
export const usage = `Usage:
  switchyard chat [--policy FILE] [--route NAME] [--stream] [--json] [--trace] [--max-tokens N]
                  [--temperature T] [--system TEXT] [--logprobs K] [--privacy local-only|no-training]
                  [--] "prompt"
  switchyard check FILE
  switchyard explain [--policy FILE] --request REQUEST.json [--stream] [--json]
  switchyard help | --help | -h      (also: switchyard <command> --help)

chat     sends the prompt through the policy: the answer on stdout (as it arrives with --stream),
         the route taken on stderr (--trace: with the ranking and every rejection); --json prints
         one object with text, usage, costUsd, finishReason, logprobs and route instead.
check    validates a policy file and lists every error with file:line:col.
explain  a dry run: the candidates, every rejection with its policy and reason, the ranking, the
         target that would be chosen and its estimated cost. No provider is called.

Without --policy, chat and explain use $SWITCHYARD_POLICY, else ./switchyard.yaml, else the bundled
offline policy (the local engine on the repo's generated tiny model).
A prompt that starts with "-" goes after "--".

Exit codes: 0 ok; 1 the call, check or plan failed (the error is one line on stderr, typed:
"error: ProviderCallError[rate_limit]: …"); 2 bad usage (unknown command or flag, missing prompt,
FILE or --request, a flag value of the wrong form); 130 interrupted (Ctrl-C).`;
