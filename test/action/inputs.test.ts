import { describe, expect, it } from "vitest";
import { ActionError } from "../../src/action/action-error.ts";
import { readInputs } from "../../src/action/inputs.ts";

const SHA = "0123456789ABCDEF0123456789abcdef01234567";
const required = { INPUT_SESSION: "s1", INPUT_EXPERIMENT: "exp-7", "INPUT_BASE-SHA": SHA };

function problemOf(env: Record<string, string>): string {
  try {
    readInputs(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ActionError);
    return (error as Error).message;
  }
  throw new Error("readInputs accepted it");
}

describe("readInputs", () => {
  it("reads INPUT_* as the runner sets them (upper-cased, dashes kept) with defaults", () => {
    expect(readInputs(required)).toEqual({
      config: ".github/autoopt.yml",
      session: "s1",
      experiment: "exp-7",
      "base-sha": SHA.toLowerCase(),
      split: "search",
    });
  });

  it("reads the split: search by default, heldout when asked", () => {
    expect(readInputs({ ...required, INPUT_SPLIT: "" }).split).toBe("search");
    expect(readInputs({ ...required, INPUT_SPLIT: " heldout " }).split).toBe("heldout");
    expect(readInputs({ ...required, INPUT_SPLIT: "search" }).split).toBe("search");
  });

  it.each(["test", "Heldout", "held-out", "validation"])(
    "rejects split = %j, naming the input and the allowed values",
    (value) => {
      const message = problemOf({ ...required, INPUT_SPLIT: value });
      expect(message).toContain(
        `input \`split\` is ${JSON.stringify(value)}, which is not valid: must be one of \`search\`, \`heldout\``,
      );
      expect(message).toContain("; write `search` (the default");
    },
  );

  it("parses budget and retention-days, trimming and treating empty as not given", () => {
    const env = {
      ...required,
      INPUT_BUDGET: " 1m30s ",
      "INPUT_RETENTION-DAYS": "14",
      INPUT_CONFIG: "",
    };
    expect(readInputs(env)).toMatchObject({
      budget: 90,
      "retention-days": 14,
      config: ".github/autoopt.yml",
    });
  });

  it("does not read the underscore spelling, which the runner never sets", () => {
    const env = { INPUT_SESSION: "s1", INPUT_EXPERIMENT: "exp-7", INPUT_BASE_SHA: SHA };
    expect(problemOf(env)).toContain("input `base-sha` is required but was not given");
  });

  it.each([
    ["base-sha", "main", "must be a full 40-character hex commit SHA"],
    ["base-sha", SHA.slice(0, 12), "not a branch or short SHA"],
    ["budget", "0s", "must be a positive duration"],
    ["budget", "soon", "such as 90s, 5m or 1h30m"],
    ["retention-days", "0", "must be at least 1 day"],
    ["retention-days", "91", "must be at most 90 days"],
    ["retention-days", "7.5", "whole number of days"],
    ["session", "a/b", "letters, digits"],
    ["experiment", "..", "letters, digits"],
    ["experiment", "exp..7", "may not contain `..`"],
  ])("rejects %s = %j, saying what is wrong and how to fix it", (input, value, why) => {
    const message = problemOf({ ...required, [`INPUT_${input.toUpperCase()}`]: value });
    expect(message).toContain(`input \`${input}\` is ${JSON.stringify(value)}, which is not valid`);
    expect(message).toContain(why);
    expect(message).toMatch(/; (pass|write|give) /);
  });

  it("lists every problem at once", () => {
    const message = problemOf({ "INPUT_BASE-SHA": "x" });
    expect(message.split("\n  - ")).toHaveLength(4);
  });
});
