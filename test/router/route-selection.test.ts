import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HttpResponse, http } from "msw";
import { afterAll, describe, expect, it } from "vitest";
import { checkPolicy, createRouter, InvalidRequestError, PolicyFileError } from "../../index.js";
import { completion, wireUsage } from "../../providers/openai/fixtures/openai-wire.js";
import { runExplain } from "../../src/cli/run-explain.js";
import { useMswServer } from "../support/msw-server.js";

const server = useMswServer();
const dir = mkdtempSync(join(tmpdir(), "switchyard-select-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const head = `
providers:
  up: { type: openai, apiKey: sk-up-canary-0000, baseURL: "https://up.example.test/v1" }
targets:
  cheap: { provider: up, model: gpt-4o-mini, price: { input: 0.15, output: 0.6 } }
  strong: { provider: up, model: gpt-4o, price: { input: 2.5, output: 10 } }
  eu: { provider: up, model: gpt-4.1-mini, price: { input: 0.4, output: 1.6 } }
routes:
  default: { targets: [cheap] }
  premium: { targets: [strong, cheap] }
  europe: { targets: [eu] }
`;

const selecting = `${head}
select:
  - when: { tags: { includes: [vip] } }
    route: premium
  - when: { metadata: { region: { in: [eu, uk] } } }
    route: europe
  - when: { metadata: { tenant: { prefix: "acme-" }, plan: gold } }
    route: premium
`;

function policyFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The upstream answers with the model it was asked for. */
function upstream(): string[] {
  const models: string[] = [];
  server.use(
    http.post("https://up.example.test/v1/chat/completions", async ({ request }) => {
      const body = (await request.json()) as { model: string };
      models.push(body.model);
      return HttpResponse.json(
        completion(
          { message: { content: `from ${body.model}` }, finish_reason: "stop" },
          wireUsage({ inputTokens: 9, outputTokens: 2 }),
        ),
      );
    }),
  );
  return models;
}

const messages = [{ role: "user" as const, content: "hi" }];

describe("route selection by tags and metadata", () => {
  it("chooses the route of the first rule the request's tags and metadata match, and records the rule in the trace", async () => {
    const models = upstream();
    const router = await createRouter({ policy: policyFile("select.yaml", selecting) });
    try {
      const vip = await router.chat({ messages, tags: ["vip", "support"], metadata: { region: "eu" } });
      expect(vip.route.route).toBe("premium");
      expect(vip.route.selection).toEqual({ by: "rule", rule: 0, route: "premium" });
      const eu = await router.chat({ messages, metadata: { region: "uk" } });
      expect(eu.route.selection).toEqual({ by: "rule", rule: 1, route: "europe" });
      const acme = await router.chat({ messages, metadata: { tenant: "acme-42", plan: "gold" } });
      expect(acme.route.selection).toEqual({ by: "rule", rule: 2, route: "premium" });
      expect(models).toEqual(["gpt-4o", "gpt-4.1-mini", "gpt-4o"]);
    } finally {
      await router.close();
    }
  });

  it("serves the default route when no rule matches, and the request's own route always wins", async () => {
    upstream();
    const router = await createRouter({ policy: policyFile("select.yaml", selecting) });
    try {
      const none = await router.chat({
        messages,
        metadata: { tenant: "acme-42", plan: "silver", region: "us" },
      });
      expect(none.route.selection).toEqual({ by: "default", route: "default" });
      const named = await router.chat({ messages, route: "europe", tags: ["vip"] });
      expect(named.route.selection).toEqual({ by: "request", route: "europe" });
      expect(named.route.target).toBe("eu");
    } finally {
      await router.close();
    }
  });

  it("explain() shows the chosen rule, and the CLI prints it", async () => {
    const policy = policyFile("select.yaml", selecting);
    const router = await createRouter({ policy });
    try {
      const plan = await router.explain({ messages, tags: ["vip"] });
      expect(plan.route).toBe("premium");
      expect(plan.selection).toEqual({ by: "rule", rule: 0, route: "premium" });
    } finally {
      await router.close();
    }
    const request = join(dir, "request.json");
    writeFileSync(request, JSON.stringify({ messages, metadata: { region: "eu" } }));
    let out = "";
    const io = {
      cwd: dir,
      env: {},
      stdout: (text: string) => {
        out += text;
      },
      stderr: () => {},
      readFile: async (file: string) => (await import("node:fs/promises")).readFile(file, "utf8"),
    };
    const code = await runExplain(
      ["--policy", policy, "--request", request],
      io as never,
      {
        createRouter,
      } as never,
    );
    expect(code).toBe(0);
    expect(out).toContain("route europe (chosen by select[1])");
  });

  it("checks request.targets overrides against the selected route", async () => {
    upstream();
    const router = await createRouter({ policy: policyFile("select.yaml", selecting) });
    try {
      const result = await router.chat({ messages, tags: ["vip"], targets: { only: ["cheap"] } });
      expect(result.route.target).toBe("cheap");
      const error = await router.chat({ messages, tags: ["vip"], targets: { only: ["eu"] } }).catch((e) => e);
      expect(InvalidRequestError.isInstance(error) && error.field).toBe("targets.only[0]");
      expect((error as Error).message).toMatch(/not a target of route "premium"/);
    } finally {
      await router.close();
    }
  });
});

async function loadError(text: string): Promise<PolicyFileError> {
  const error = await createRouter({ policy: policyFile("bad.yaml", text) }).then(
    async (router) => {
      await router.close();
      return undefined;
    },
    (caught: unknown) => caught,
  );
  if (!PolicyFileError.isInstance(error)) throw new Error(`expected a PolicyFileError, got ${String(error)}`);
  return error;
}

describe("select rules are validated at load, with file:line:col", () => {
  it.each([
    [
      "an unknown route",
      "select:\n  - when: { tags: { any: [vip] } }\n    route: premum\n",
      "select[0].route",
      /unknown route `premum`.*premium/,
      { line: 14, column: 12 },
    ],
    [
      "an unknown field of a rule's conditions",
      "select:\n  - when: { header: { x: y } }\n    route: premium\n",
      "select[0].when.header",
      /unknown key `header` \(allowed: tags, metadata\)/,
      { line: 13, column: 13 },
    ],
    [
      "an unknown matcher",
      "select:\n  - when: { metadata: { region: { matches: 'e.*' } } }\n    route: premium\n",
      "select[0].when.metadata.region",
      /does not match any allowed form/,
      undefined,
    ],
    [
      "a rule after a catch-all",
      "select:\n  - route: premium\n  - when: { tags: { any: [vip] } }\n    route: europe\n",
      "select[1]",
      /unreachable: rule select\[0\] has no conditions/,
      { line: 14, column: 5 },
    ],
    [
      "a rule repeating an earlier one",
      "select:\n  - when: { metadata: { region: { in: [eu, uk] } } }\n    route: europe\n  - when: { metadata: { region: { in: [uk, eu] } } }\n    route: premium\n",
      "select[1].when",
      /unreachable: it repeats the conditions of rule select\[0\]/,
      undefined,
    ],
  ])("refuses %s", async (_what, select, path, message, position) => {
    const error = await loadError(`${head}${select}`);
    const issue = error.issues.find((candidate) => candidate.path === path);
    expect(issue, JSON.stringify(error.issues)).toBeDefined();
    expect(issue?.message).toMatch(message);
    expect(issue?.line).toBeGreaterThan(12);
    if (position) expect(issue).toMatchObject(position);
    expect(error.message).toContain(`bad.yaml:${issue?.line}:${issue?.column} ${path}: `);
  });
});

describe("switchyard check with select rules and no default route", () => {
  const withoutDefault = (select: string) => {
    const file = join(dir, `no-default-${select.length}.yaml`);
    writeFileSync(file, `${head.replace("  default: { targets: [cheap] }\n", "")}select:\n${select}`);
    return file;
  };

  it("warns that a call matching no rule is refused", async () => {
    const report = await checkPolicy(
      withoutDefault("  - when: { tags: { any: [vip] } }\n    route: premium\n"),
    );
    expect(report.ok).toBe(true);
    expect(report.warnings.map((warning) => `${warning.path}: ${warning.message}`)).toContain(
      "select: no `defaultRoute`, no route named `default` and no rule without conditions: a call that names no route and matches no rule is refused",
    );
  });

  it("says nothing when a rule without conditions catches every call", async () => {
    const report = await checkPolicy(
      withoutDefault("  - when: { tags: { any: [vip] } }\n    route: premium\n  - route: europe\n"),
    );
    expect(report.ok).toBe(true);
    expect(report.warnings.filter((warning) => /defaultRoute/.test(warning.message))).toEqual([]);
  });
});
