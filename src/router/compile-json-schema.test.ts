import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { JsonSchema } from "../core/index.js";
import { JsonSchemaCompiler, type JsonSchemaCompilerOptions } from "./compile-json-schema.js";

const person: JsonSchema = {
  type: "object",
  properties: { name: { type: "string", pattern: "^\\p{Lu}" }, age: { type: "integer", minimum: 0 } },
  required: ["name"],
};

/** A schema ajv needs a while to compile: code generation costs per property. */
const wide = (properties: number): JsonSchema => ({
  type: "object",
  properties: Object.fromEntries(
    Array.from({ length: properties }, (_, index) => [`p${index}`, { type: "string" }]),
  ),
});

/** Each test its own compiler (and thread), quick to exit once idle. */
function compiler(options: JsonSchemaCompilerOptions = {}): JsonSchemaCompiler {
  return new JsonSchemaCompiler({ idleMs: 200, ...options });
}

async function compiled(from: JsonSchemaCompiler, schema: JsonSchema) {
  const compilation = await from.compile(schema);
  if (!compilation.ok)
    throw new Error(`expected ${JSON.stringify(schema)} to compile: ${compilation.problem.message}`);
  return compilation.schema;
}

describe("JsonSchemaCompiler", () => {
  it("compiles in its thread and validates values there, naming each violation's pointer", async () => {
    const schema = await compiled(compiler(), person);
    expect(await schema.validate({ name: "Ada", age: 36 })).toEqual({ valid: true });
    expect(await schema.validate({ name: "ada", age: -1 })).toEqual({
      valid: false,
      errors: [
        { pointer: "/name", message: 'must match pattern "^\\p{Lu}"' },
        { pointer: "/age", message: "must be >= 0" },
      ],
    });
  });

  it("parses a JSON text in its thread before validating it, and says when it is not JSON", async () => {
    const schema = await compiled(compiler(), person);
    expect(await schema.validateText('{"name":"Ada"}')).toEqual({ valid: true });
    expect(await schema.validateText('{"name":"ada"}')).toEqual({
      valid: false,
      errors: [{ pointer: "/name", message: 'must match pattern "^\\p{Lu}"' }],
    });
    expect(await schema.validateText('{"name":"Ada"')).toEqual({
      valid: false,
      unparsable: expect.stringMatching(/JSON/),
    });
  });

  it("names at most 20 violations of one value", async () => {
    const schema = await compiled(compiler(), {
      type: "object",
      properties: { list: { type: "array", items: { type: "integer" } } },
    });
    const outcome = await schema.validate({ list: Array.from({ length: 100 }, () => "x") });
    expect(outcome.valid === false && outcome.errors).toHaveLength(20);
  });

  it("compiles an equal schema once: the second request gets the first one's outcome", async () => {
    const once = compiler();
    const first = once.compile(person);
    expect(once.compile(structuredClone(person))).toBe(first);
    expect(once.compile(wide(2))).not.toBe(first);
  });

  it("refuses what ajv cannot compile, with the pointer into the schema", async () => {
    const strict = compiler();
    expect(await strict.compile({ type: "object", properties: { a: { type: "strin" } } })).toMatchObject({
      ok: false,
      problem: {
        pointer: "/properties/a/type",
        message: expect.stringMatching(/^must be equal to one of the allowed values/),
      },
    });
    expect(
      await strict.compile({ type: "object", properties: { a: { $ref: "#/$defs/gone" } } }),
    ).toMatchObject({
      ok: false,
      problem: { missingRef: "#/$defs/gone" },
    });
  });

  it("reads the draft from $schema: draft-07 tuples compile, draft 2020-12 refuses them", async () => {
    const tuple = { type: "object", properties: { pair: { type: "array", items: [{ type: "string" }] } } };
    const drafts = compiler();
    const draft07 = await compiled(drafts, { $schema: "http://json-schema.org/draft-07/schema#", ...tuple });
    expect(await draft07.validate({ pair: [1] })).toMatchObject({
      valid: false,
      errors: [{ pointer: "/pair/0" }],
    });
    expect(await drafts.compile(tuple)).toMatchObject({
      ok: false,
      problem: { pointer: "/properties/pair/items" },
    });
  });

  it("stops a compile past its time limit; the jobs behind it finish on a fresh worker", async () => {
    const limited = compiler({ jobTimeoutMs: 250 });
    const slow = limited.compile(wide(20_000));
    const behind = limited.compile(person);
    expect(await slow).toMatchObject({
      ok: false,
      problem: { message: "did not compile within 250 ms", transient: true },
    });
    expect(await behind).toMatchObject({ ok: true });
    // A timeout says nothing about the schema: the next request tries again.
    expect(limited.compile(wide(20_000))).not.toBe(slow);
  });

  it("ends a backtracking pattern's validation at the time limit while the event loop keeps running", async () => {
    const limited = compiler({ jobTimeoutMs: 300 });
    const schema = await compiled(limited, {
      type: "object",
      properties: { a: { type: "string", pattern: "^(a+)+$" } },
    });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const validation = await schema.validate({ a: `${"a".repeat(40)}!` });
    clearInterval(ticker);
    expect(validation).toEqual({
      valid: false,
      errors: [{ pointer: "", message: "did not validate within 300 ms" }],
    });
    expect(ticks).toBeGreaterThan(5);
    // The worker that ran it is gone; the schema compiles again on the new one.
    expect(await schema.validate({ a: "aaa" })).toEqual({ valid: true });
  });

  it("rejects a value the thread cannot receive, and keeps serving the next one", async () => {
    const schema = await compiled(compiler(), person);
    await expect(schema.validate({ name: () => "Ada" })).rejects.toThrow(/could not be cloned/);
    expect(await schema.validate({ name: "Ada" })).toEqual({ valid: true });
  });

  it("keeps a bounded cache, and a schema it let go of still validates", async () => {
    const small = compiler({ cacheEntries: 1 });
    const first = await compiled(small, person);
    await compiled(small, wide(3));
    expect(small.compile(person)).not.toBe(small.compile(wide(3)));
    expect(await first.validate({ name: "Ada" })).toEqual({ valid: true });
  });

  it("answers 200 compiles in flight, each with its own outcome", async () => {
    const busy = compiler();
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        busy.compile({
          type: "object",
          properties: { [`field${index}`]: { type: index % 2 === 0 ? "string" : "strin" } },
        }),
      ),
    );
    expect(outcomes.map((outcome) => outcome.ok)).toEqual(
      Array.from({ length: 200 }, (_, index) => index % 2 === 0),
    );
  });

  it("lets its worker exit when there is nothing to do", async () => {
    const idle = compiler({ idleMs: 20 });
    await idle.compile(person);
    expect(idle.threadRunning).toBe(true);
    await sleep(300);
    expect(idle.threadRunning).toBe(false);
    expect(await idle.compile(wide(1))).toMatchObject({ ok: true });
  });
});
