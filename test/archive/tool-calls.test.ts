import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OUTPUT_CAP } from "../../src/archive/format.ts";
import { ArchiveTools } from "../../src/archive/index.ts";
import { buildTools, type ToolsFixture } from "./tools-fixture.ts";

let t: ToolsFixture;
beforeAll(async () => {
  t = await buildTools({
    diff: async () => Array.from({ length: 3_000 }, (_, i) => `+line ${i}`).join("\n"),
  });
});
afterAll(() => t.close());

describe("toolDefinitions", () => {
  it("describes the five tools for Chat Completions, with JSON Schema parameters", () => {
    const tools = t.tools.toolDefinitions();
    expect(tools.map((d) => d.function.name)).toEqual([
      "list_files",
      "read_file",
      "grep",
      "sql",
      "diff",
    ]);
    for (const d of tools) {
      expect(d.type).toBe("function");
      expect(d.function.description.length).toBeGreaterThan(40);
      expect(d.function.parameters).toMatchObject({ type: "object" });
      expect(d.function.parameters).not.toHaveProperty("$schema");
    }
    const read = tools.find((d) => d.function.name === "read_file")?.function.parameters;
    expect(read).toMatchObject({
      required: ["path"],
      properties: { offset: { type: "integer", minimum: 1, default: 1 } },
    });
    expect(tools.find((d) => d.function.name === "sql")?.function.description).toMatch(
      /experiments\(id, kind .*metrics\(experiment, name, value\).*tasks\(.*documents\(/s,
    );
    expect(t.tools.definitions()).toEqual(tools);
  });
});

describe("call", () => {
  it("runs a tool from the model's JSON arguments", async () => {
    expect(await t.tools.call("read_file", '{"path": "candidate/lib/util.py"}')).toBe(
      "1\tdef helper():\n2\t    return 42",
    );
    expect(await t.tools.call("list_files", "")).toContain("exp-5/");
  });

  it.each([
    [
      "nope",
      "{}",
      /^error: unknown tool "nope"; the tools are list_files, read_file, grep, sql, diff$/,
    ],
    [
      "read_file",
      "{path: x}",
      /^error: the arguments of read_file are not valid JSON \(.*\); send one JSON object, e\.g\. \{"path"/,
    ],
    ["read_file", '["exp-1/run.log"]', /^error: the arguments of read_file must be a JSON object/],
    ["read_file", "{}", /^error: bad arguments for read_file: .*path.*; e\.g\./],
    [
      "read_file",
      '{"path": "exp-1/run.log", "limit": -1}',
      /^error: bad arguments for read_file: .*limit/,
    ],
    ["grep", '{"pattern": ""}', /^error: bad arguments for grep: .*pattern/],
    [
      "grep",
      '{"pattern": "x", "max_matches": 2.5}',
      /^error: bad arguments for grep: .*max_matches/,
    ],
    ["diff", '{"from": 1}', /^error: bad arguments for diff: .*to/],
    ["sql", '{"query": 42}', /^error: bad arguments for sql: .*query/],
  ])("answers %s %s with an error that says what was wrong", async (name, args, why) => {
    expect(await t.tools.call(name, args)).toMatch(why);
  });

  it("ignores arguments it does not know", async () => {
    expect(
      await t.tools.call("read_file", '{"path": "candidate/train.py", "limit": 1, "why": "x"}'),
    ).toMatch(/^1\timport torch\n\[lines 1–1 of 3;/);
  });
});

describe("a session without an archive yet", () => {
  it("answers with an error, not a throw", async () => {
    const tools = new ArchiveTools({
      sessionDir: join(t.root, "no-such-session"),
      index: t.index,
      candidate: new Map(),
      diff: async () => "",
      shaOf: () => undefined,
    });
    expect(await tools.list_files({})).toBe(
      "error: list_files failed: the session's archive folder does not exist yet",
    );
    expect(await tools.diff({ from: "ratchet", to: 1 })).toMatch(
      /^error: the ratchet commit is not known here/,
    );
  });
});

describe("output caps", () => {
  it("pages a long diff under the cap, with a note that says where to go on", async () => {
    const first = await t.tools.diff({ from: 1, to: 2 });
    expect(first.length).toBeLessThanOrEqual(OUTPUT_CAP);
    const next = Number(/call diff with offset=(\d+) to read on\]$/.exec(first)?.[1]);
    expect(next).toBeGreaterThan(100);
    const second = await t.tools.diff({ from: 1, to: 2, offset: next });
    expect(second.split("\n")[1]).toBe(`${next}\t+line ${next - 1}`);
  });

  it("cuts a wide SQL answer with a note", async () => {
    const out = await t.tools.sql({
      query:
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 200) SELECT x, printf('%.280c', 'z') FROM c",
    });
    expect(out.length).toBeLessThanOrEqual(OUTPUT_CAP + 200);
    expect(out).toMatch(/\[output cut at [\d,]+ of [\d,]+ chars; select fewer rows/);
  });

  it("keeps every answer of a broad grep under the cap", async () => {
    const out = await t.tools.grep({ pattern: ".", max_matches: 1000 });
    expect(out.length).toBeLessThanOrEqual(OUTPUT_CAP);
    expect(out).toMatch(
      /\[stopped at [\d,]+ matching lines, the most one answer holds; narrow with path or glob\]/,
    );
  });
});
