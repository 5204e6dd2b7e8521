import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseProposalArgs } from "../../../src/proposer/llm/edit-args.ts";

const GOOD = {
  description: "MATRIX_LR 0.04 → 0.05",
  hypothesis: "A larger step size converges faster within the budget.",
  edits: [
    { path: "train.py", search: "MATRIX_LR = 0.04", replace: "MATRIX_LR = 0.05" },
    { path: "notes.txt", content: "tried a larger LR\n" },
  ],
};

/** Phrases of zod's own messages, which must never reach the model. */
const ZOD_WORDING =
  /Invalid input|expected \w+, received|Unrecognized key|Too (small|big)|Invalid string/;

function problem(json: string): string {
  const result = parseProposalArgs(json);
  if (result.ok) throw new Error("expected a problem");
  expect(result.problem).not.toMatch(ZOD_WORDING);
  return result.problem;
}

function withArgs(patch: Record<string, unknown>): string {
  return JSON.stringify({ ...GOOD, ...patch });
}

function withEdit(edit: unknown): string {
  return JSON.stringify({ ...GOOD, edits: [GOOD.edits[0], edit] });
}

describe("parseProposalArgs", () => {
  it("accepts good arguments", () => {
    expect(parseProposalArgs(JSON.stringify(GOOD))).toEqual({ ok: true, args: GOOD });
  });

  it("accepts surrounding whitespace", () => {
    expect(parseProposalArgs(`\n ${JSON.stringify(GOOD)}\n`).ok).toBe(true);
  });

  it("rejects text that is not JSON", () => {
    expect(problem("Sure! I will raise the learning rate of the model.")).toContain(
      'are not JSON (they begin "Sure! I will raise the learning rate of …")',
    );
    expect(problem("")).toContain("are empty");
    expect(problem(`\`\`\`json\n${JSON.stringify(GOOD)}\n\`\`\``)).toContain("code fence");
  });

  it("recognises truncated JSON", () => {
    const text = problem('{"description": "x", "edi');
    expect(text).toContain("cut off");
    expect(text).toContain("fewer or shorter edits");
    expect(problem('{"description": "abc", "edits": [{"path": "a"')).toContain("cut off");
  });

  it("points at broken JSON", () => {
    const text = problem('{"description": "abc",}');
    expect(text).toContain("not valid JSON near character");
    expect(text).toContain("escape newlines");
  });

  it("rejects JSON that is not an object", () => {
    expect(problem("[1, 2]")).toContain("are a list, but they must be one JSON object");
    expect(problem('"hello"')).toContain("are text, but");
    expect(problem("null")).toContain("are null, but");
  });

  it("names missing fields", () => {
    const { hypothesis: _, ...rest } = GOOD;
    expect(problem(JSON.stringify(rest))).toMatch(/^hypothesis is missing; add it/);
    expect(problem(withEdit({ path: "a.py", replace: "x" }))).toMatch(
      /^edits\[1\]\.search is missing/,
    );
    expect(problem(withEdit({ search: "a", replace: "x" }))).toMatch(
      /^edits\[1\]\.path is missing/,
    );
    expect(problem(withEdit({ path: "a.py" }))).toContain(
      'edits[1] has no "search", "replace" or "content"',
    );
  });

  it("rejects extra fields", () => {
    expect(problem(withArgs({ confidence: 0.9 }))).toBe(
      'the arguments have an unknown key "confidence"; remove it — the allowed keys are "description", "hypothesis", "edits".',
    );
    expect(problem(withEdit({ path: "a.py", search: "a", replace: "b", line: 3 }))).toMatch(
      /^edits\[1\] has an unknown key "line"; remove it/,
    );
    expect(problem(withEdit({ path: "a.py", search: "a", replace: "b", content: "c" }))).toContain(
      "edits[1] mixes both kinds of edit",
    );
  });

  it("rejects wrong types", () => {
    expect(problem(withArgs({ description: 42 }))).toMatch(
      /^description is a number, but it must be text/,
    );
    expect(problem(withArgs({ edits: { path: "a" } }))).toMatch(
      /^edits is an object, but it must be a list/,
    );
    expect(problem(withEdit("train.py"))).toMatch(
      /^edits\[1\] is text, but each edit must be an object/,
    );
    expect(problem(withEdit({ path: "a.py", content: ["x"] }))).toMatch(
      /^edits\[1\]\.content is a list, but it must be text/,
    );
  });

  it("enforces the lengths and the one-line description", () => {
    expect(problem(withArgs({ description: "two\nlines" }))).toContain("write it on one line");
    expect(problem(withArgs({ description: "ab" }))).toContain("too short (2 characters)");
    expect(problem(withArgs({ description: "x".repeat(201) }))).toContain("3 to 200 characters");
    expect(problem(withArgs({ hypothesis: "" }))).toMatch(/^hypothesis is empty/);
    expect(problem(withArgs({ edits: [] }))).toBe("edits is empty; give at least one edit.");
    const many = Array.from({ length: 51 }, (_, i) => ({ path: `f${i}.py`, content: "" }));
    expect(problem(withArgs({ edits: many }))).toContain("edits has 51 edits, but at most 50");
    expect(problem(withEdit({ path: "a.py", search: " \n ", replace: "x" }))).toContain(
      "edits[1].search is blank",
    );
  });

  it("lists several problems, one per line", () => {
    const text = problem(JSON.stringify({ description: 1, hypothesis: 2, edits: 3 }));
    expect(text.split("\n")).toEqual([
      "the submit_proposal arguments have 3 problems:",
      expect.stringMatching(/^- description is a number/),
      expect.stringMatching(/^- hypothesis is a number/),
      expect.stringMatching(/^- edits is a number/),
    ]);
  });

  it("never throws and never leaks zod's wording, whatever it is given", () => {
    const anyJson = fc.jsonValue().map((v) => JSON.stringify(v));
    const nearMiss = fc
      .record(
        { description: fc.jsonValue(), hypothesis: fc.jsonValue(), edits: fc.jsonValue() },
        { requiredKeys: [] },
      )
      .map((v) => JSON.stringify(v));
    fc.assert(
      fc.property(fc.oneof(anyJson, nearMiss, fc.string()), (json) => {
        const result = parseProposalArgs(json);
        if (!result.ok) {
          expect(result.problem.length).toBeGreaterThan(10);
          expect(result.problem).not.toMatch(ZOD_WORDING);
        }
      }),
      { numRuns: 500 },
    );
  });
});
