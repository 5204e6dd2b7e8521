import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeLeaks, findLeaks } from "../../src/core/index.ts";

const FACTS = {
  ids: ["7848dde101aa985090474a91ec93fcf0", "17", "task-0042", "12345678"],
  answers: ["spam", "The capital of Australia is Canberra"],
};

describe("findLeaks", () => {
  it("finds a task id and an expected answer on the lines a change adds", () => {
    const before = "def build(email):\n    return email\n";
    const after =
      'KNOWN = {"7848dde101aa985090474a91ec93fcf0": "spam"}\ndef build(email):\n    # The capital of  Australia is Canberra\n    return email\n';
    expect(findLeaks([{ path: "harness.py", before, after }], FACTS)).toEqual([
      {
        kind: "task id",
        value: "7848dde101aa985090474a91ec93fcf0",
        path: "harness.py",
        line: 1,
      },
      {
        kind: "expected answer",
        value: "The capital of Australia is Canberra",
        path: "harness.py",
        line: 3,
      },
    ]);
  });

  it("ignores values too short to be evidence, ids inside longer words, and unchanged lines", () => {
    const before = 'IDS = ["task-0042"]\n';
    const after =
      'IDS = ["task-0042"]\nLABELS = ["spam", "ham"]\nN = 17\nsubtask-00421 = 1\nLIMIT = 123456789\n';
    expect(findLeaks([{ path: "h.py", before, after }], FACTS)).toEqual([]);
  });

  it("finds a plain numeric id when it is long enough, in a new file too", () => {
    const leaks = findLeaks([{ path: "new.py", after: "x = lookup(12345678)\n" }], FACTS);
    expect(leaks.map((l) => [l.kind, l.value, l.line])).toEqual([["task id", "12345678", 1]]);
  });

  it("never flags a change that adds none of the values", () => {
    const words = fc.stringMatching(/^[a-z ]{0,40}$/);
    fc.assert(
      fc.property(fc.array(words, { maxLength: 20 }), (lines) => {
        expect(findLeaks([{ path: "h.py", after: lines.join("\n") }], FACTS)).toEqual([]);
      }),
    );
  });
});

describe("describeLeaks", () => {
  it("says what leaked, where, and what to do instead", () => {
    const text = describeLeaks([
      { kind: "task id", value: "task-0042", path: "harness.py", line: 3 },
    ]);
    expect(text).toContain('task id "task-0042" at harness.py:3');
    expect(text).toContain("remove these values");
  });
});
