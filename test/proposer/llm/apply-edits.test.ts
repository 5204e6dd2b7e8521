import { describe, expect, it } from "vitest";
import { type ApplyResult, applyEdits } from "../../../src/proposer/llm/apply-edits.ts";
import type { Edit } from "../../../src/proposer/llm/edits.ts";

const TRAIN = [
  "import torch",
  "",
  "def train(model):",
  "    lr = 0.04",
  "    for step in range(10):",
  "        loss = model(step)",
  "        loss.backward()",
  "    return model",
  "",
].join("\n");

const files: ReadonlyMap<string, string> = new Map([
  ["train.py", TRAIN],
  ["src/model.py", "x = 1\ny = 1\n"],
]);
const scope = { isEditable: (path: string) => path !== "prepare.py" && !path.startsWith("data/") };

function changed(result: ApplyResult): Map<string, string> {
  if (!result.ok) throw new Error(`expected ok, got: ${result.problems.join(" | ")}`);
  return result.changed;
}

function problems(result: ApplyResult): string[] {
  if (result.ok) throw new Error("expected problems, got ok");
  return result.problems;
}

function apply(...edits: Edit[]): ApplyResult {
  return applyEdits(files, edits, scope);
}

describe("applyEdits: search/replace", () => {
  it("replaces an exact match that occurs once", () => {
    const out = changed(apply({ path: "train.py", search: "lr = 0.04", replace: "lr = 0.05" }));
    expect(out).toEqual(new Map([["train.py", TRAIN.replace("lr = 0.04", "lr = 0.05")]]));
  });

  it("rejects a search text that occurs several times and says where", () => {
    const [problem] = problems(apply({ path: "src/model.py", search: " = 1", replace: " = 2" }));
    expect(problem).toMatch(/^edits\[0\] \("src\/model\.py"\): the search text occurs 2 times/);
    expect(problem).toContain("at lines 1, 2");
    expect(problem).toContain("add surrounding lines");
  });

  it("matches ignoring indentation and trailing spaces, and re-indents the replacement", () => {
    const search = "for step in range(10):   \n    loss = model(step)\n";
    const replace = "for step in range(20):\n    loss = model(step) * 2\n";
    const out = changed(apply({ path: "train.py", search, replace }));
    const want = TRAIN.replace(
      "    for step in range(10):\n        loss = model(step)\n",
      "    for step in range(20):\n        loss = model(step) * 2\n",
    );
    expect(out.get("train.py")).toBe(want);
  });

  it("re-indents lines that are indented less than the search block's first line", () => {
    const search = "        loss.backward()\n    return model";
    const replace = "        loss.backward()\n    model.eval()\n    return model";
    const input = new Map([["a.py", "def f():\n  loss.backward()\nreturn model\n"]]);
    const out = changed(applyEdits(input, [{ path: "a.py", search, replace }], scope));
    expect(out.get("a.py")).toBe("def f():\n  loss.backward()\nmodel.eval()\nreturn model\n");
  });

  it("ignores blank lines at the ends of the search block", () => {
    const search = "\n\n  lr = 0.04\n\n";
    const out = changed(apply({ path: "train.py", search, replace: "\n\n  lr = 0.1\n\n" }));
    expect(out.get("train.py")).toBe(TRAIN.replace("lr = 0.04", "lr = 0.1"));
  });

  it("takes an exact match literally, even in the middle of a line", () => {
    const out = changed(apply({ path: "train.py", search: "  lr = 0.04", replace: "" }));
    expect(out.get("train.py")).toBe(TRAIN.replace("    lr = 0.04\n", "  \n"));
  });

  it("deletes the matched lines when the replacement is empty", () => {
    const out = changed(apply({ path: "train.py", search: "lr = 0.04 \n", replace: "" }));
    expect(out.get("train.py")).toBe(TRAIN.replace("    lr = 0.04\n", ""));
  });

  it("rejects a block that matches several places when whitespace is ignored", () => {
    const input = new Map([["a.py", "if a:\n    x = 1\nif b:\n  x = 1\n"]]);
    const [problem] = problems(
      applyEdits(input, [{ path: "a.py", search: "x = 1 ", replace: "x = 2" }], scope),
    );
    expect(problem).toContain("occurs 2 times when indentation is ignored (at lines 2, 4)");
  });

  it("keeps CRLF line endings, for exact and whitespace-tolerant matches", () => {
    const crlf = "a = 1\r\nif a:\r\n    b = 2\r\n    c = 3\r\n";
    const input = new Map([["w.py", crlf]]);
    const exact = changed(
      applyEdits(input, [{ path: "w.py", search: "a = 1\nif a:", replace: "a = 5\nif a:" }], scope),
    );
    expect(exact.get("w.py")).toBe("a = 5\r\nif a:\r\n    b = 2\r\n    c = 3\r\n");
    const edit = { path: "w.py", search: "b = 2\nc = 3", replace: "b = 4\nc = 5\nd = 6" };
    const tolerant = changed(applyEdits(input, [edit], scope));
    expect(tolerant.get("w.py")).toBe("a = 1\r\nif a:\r\n    b = 4\r\n    c = 5\r\n    d = 6\r\n");
  });

  it("keeps the missing final newline of a file", () => {
    const input = new Map([["n.py", "x\r\n  a = 1\r\n  b = 2"]]);
    const edit = { path: "n.py", search: "a = 1\nb = 2", replace: "a = 1\nb = 3\nc = 4" };
    const out = changed(applyEdits(input, [edit], scope));
    expect(out.get("n.py")).toBe("x\r\n  a = 1\r\n  b = 3\r\n  c = 4");
  });

  it("says when the search text is not found, quoting its first line", () => {
    const search = "\n    lr = 0.4\n    for step in range(10):";
    const [problem] = problems(apply({ path: "train.py", search, replace: "x" }));
    expect(problem).toMatch(/^edits\[0\] \("train\.py"\): the search text was not found/);
    expect(problem).toContain('its first line is "lr = 0.4"');
    expect(problem).toContain("Read the file first");
  });

  it("points at the first line that differs when the start of the block matches", () => {
    const search = "def train(model):\n    lr = 0.4\n";
    const [problem] = problems(apply({ path: "train.py", search, replace: "x" }));
    expect(problem).toContain(
      'its first line matches line 3 of the file, but then the file has "lr = 0.04" where search has "lr = 0.4"',
    );
  });

  it("rejects search/replace on a file that does not exist and suggests content", () => {
    const [problem] = problems(apply({ path: "new.py", search: "x", replace: "y" }));
    expect(problem).toContain('edits[0] ("new.py"): the file does not exist');
    expect(problem).toContain('{"path", "content"}');
  });
});

describe("applyEdits: several edits", () => {
  it("applies edits in order, each seeing the ones before", () => {
    const out = changed(
      apply(
        { path: "train.py", search: "lr = 0.04", replace: "lr = 0.05" },
        { path: "train.py", search: "lr = 0.05", replace: "lr = 0.06" },
        { path: "src/model.py", search: "y = 1", replace: "y = 2" },
      ),
    );
    expect(out.get("train.py")).toBe(TRAIN.replace("0.04", "0.06"));
    expect(out.get("src/model.py")).toBe("x = 1\ny = 2\n");
  });

  it("lets search/replace edit a file created earlier in the list", () => {
    const out = changed(
      apply(
        { path: "util.py", content: "A = 1\n" },
        { path: "util.py", search: "A = 1", replace: "A = 2" },
      ),
    );
    expect(out).toEqual(new Map([["util.py", "A = 2\n"]]));
  });

  it("reports every failing edit, noting when an earlier edit changed the file", () => {
    const result = apply(
      { path: "train.py", search: "lr = 0.04", replace: "lr = 0.05" },
      { path: "train.py", search: "lr = 0.04", replace: "lr = 0.06" },
      { path: "src/model.py", search: "z = 1", replace: "z = 2" },
    );
    const [second, third] = problems(result);
    expect(second).toMatch(/^edits\[1\] \("train\.py"\): the search text was not found/);
    expect(second).toContain("earlier edits in this proposal already changed this file");
    expect(third).toMatch(/^edits\[2\] \("src\/model\.py"\): the search text was not found/);
    expect(third).not.toContain("earlier edits");
  });

  it("rejects edits that change nothing", () => {
    const result = apply(
      { path: "train.py", search: "lr = 0.04", replace: "lr = 0.05" },
      { path: "train.py", search: "lr = 0.05", replace: "lr = 0.04" },
    );
    expect(problems(result)).toEqual([
      "the edits change nothing: the files would be exactly as they are now; propose a real change.",
    ]);
  });

  it("leaves the input map untouched", () => {
    const input = new Map(files);
    applyEdits(input, [{ path: "train.py", content: "new" }], scope);
    expect(input).toEqual(files);
  });
});

describe("applyEdits: whole-file edits", () => {
  it("creates a new editable file", () => {
    expect(changed(apply({ path: "src/extra.py", content: "E = 1\n" }))).toEqual(
      new Map([["src/extra.py", "E = 1\n"]]),
    );
  });

  it("replaces an existing file, and only changed files come out", () => {
    const out = changed(
      apply(
        { path: "src/model.py", content: "x = 1\ny = 1\n" },
        { path: "train.py", content: "pass\n" },
      ),
    );
    expect(out).toEqual(new Map([["train.py", "pass\n"]]));
  });

  it("keeps an existing file's CRLF line endings", () => {
    const input = new Map([["w.py", "a\r\nb\r\n"]]);
    const out = changed(applyEdits(input, [{ path: "w.py", content: "a\nc\n" }], scope));
    expect(out.get("w.py")).toBe("a\r\nc\r\n");
  });
});

describe("applyEdits: path rules", () => {
  const bad: [string, RegExp][] = [
    ["", /the path is empty/],
    ["/etc/passwd", /the path is absolute/],
    ["../x", /goes up with "\.\."/],
    ["src/../../x", /goes up with "\.\."/],
    ["a//b", /empty segment/],
    ["src/", /empty segment/],
    ["a\\b", /backslash/],
    ["a\u0000b", /control character/],
    ["a\nb", /control character/],
    ["./train.py", /has a "\." segment/],
    [".github/workflows/x.yml", /under \.github\//],
    [".GitHub/workflows/x.yml", /under \.github\//],
    [".git/hooks/pre-commit", /inside a \.git folder/],
    ["sub/.GIT/config", /inside a \.git folder/],
    ["prepare.py", /not editable \(outside the editable files, or locked\)/],
    ["data/x.csv", /not editable/],
    ["Train.py", /differs only in case from the file train\.py; use train\.py/],
  ];

  it.each(bad)("rejects %j", (path, reason) => {
    const result = apply({ path: "train.py", content: "ok" }, { path, content: "x" });
    const all = problems(result);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatch(reason);
    expect(all[0]?.startsWith(`edits[1] (${JSON.stringify(path)}): `)).toBe(true);
  });

  it("checks the paths before anything else", () => {
    const result = apply(
      { path: "train.py", search: "not there", replace: "x" },
      { path: "../escape", content: "x" },
    );
    expect(problems(result)).toEqual([
      'edits[1] ("../escape"): the path goes up with ".."; only files inside the repository may change.',
    ]);
  });

  it("names editable files when a path is out of scope", () => {
    const [problem] = problems(apply({ path: "prepare.py", content: "x" }));
    expect(problem).toContain("such as src/model.py, train.py");
  });

  it("rejects .github even when the scope would allow it", () => {
    const result = applyEdits(files, [{ path: ".github/workflows/ci.yml", content: "x" }], {
      isEditable: () => true,
    });
    expect(problems(result)[0]).toContain("under .github/");
  });

  it("accepts unicode names", () => {
    expect(changed(apply({ path: "src/ünï/çødé.py", content: "π = 3\n" })).size).toBe(1);
  });
});
