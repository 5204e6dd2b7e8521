import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadConfig } from "../../src/config/index.ts";
import { closest, exampleFor, formatKey, objectsAt, show } from "../../src/config/key-hints.ts";

/** Every key path in autoopt.yml, found by walking the zod schema (list items as index 0). */
function allKeyPaths(path: PropertyKey[] = []): PropertyKey[][] {
  const keys = [...new Set(objectsAt(path).flatMap((o) => Object.keys(o.shape)))];
  return keys.flatMap((k) => {
    const here = [...path, k];
    const inside =
      objectsAt(here).length > 0
        ? here
        : objectsAt([...here, 0]).length > 0
          ? [...here, 0]
          : undefined;
    return [here, ...(inside ? allKeyPaths(inside) : [])];
  });
}

const BASE = {
  version: 1,
  mode: "harness",
  editable: ["train.py"],
  run: { command: "python3 train.py" },
  metric: { name: "val_bpb", goal: "minimize" },
};
const PROPOSERS = [{ kind: "search" }, { kind: "llm", model: "m" }];
/** Harness mode with objectives needs a rule, and weights need rule weighted: both are tried. */
const RATCHETS = [
  { rule: "primary" },
  { rule: "weighted", weights: { accuracy: 1, context_tokens: 1 } },
];
const HARNESS_METRICS = {
  metric: { name: "accuracy", goal: "maximize" },
  objectives: [{ name: "context_tokens", goal: "minimize" }],
};

/**
 * `BASE` with the example for `path` set in place, once per proposer kind and ratchet rule. A section the base
 * lacks (`ratchet`, `objectives[0]`) is first filled from its own example.
 */
function withExample(path: PropertyKey[], example: string): string[] {
  const bases = [
    ...PROPOSERS.map((proposer) => ({ ...BASE, proposer })),
    ...RATCHETS.map((ratchet) => ({ ...BASE, ...HARNESS_METRICS, ratchet })),
  ];
  return bases.map((base) => {
    const config: Record<PropertyKey, unknown> = structuredClone(base);
    let parent = config;
    path.slice(0, -1).forEach((part, i) => {
      if (parent[part] === undefined) {
        const written = parse(exampleFor(path.slice(0, i + 1)) ?? "") as Record<string, unknown>;
        parent[part] = Object.values(written)[0];
      }
      parent = parent[part] as Record<PropertyKey, unknown>;
    });
    Object.assign(parent, parse(example));
    return stringify(config);
  });
}

describe("the examples shown as fixes", () => {
  const paths = allKeyPaths();

  it("walks the whole schema", () => {
    const keys = paths.map(formatKey);
    expect(keys).toEqual(
      expect.arrayContaining([
        "version",
        "run.budget",
        "objectives[0].goal",
        "proposer.model",
        "promotion.heldout",
      ]),
    );
  });

  it.each(paths.map((p) => [formatKey(p), p] as const))("%s has an example", (_key, path) => {
    expect(exampleFor(path)).toBeDefined();
  });

  it.each(paths.map((p) => [formatKey(p), p] as const))(
    "the example for %s is itself valid",
    (_key, path) => {
      const example = exampleFor(path) ?? "";
      const leaf = path.filter((p) => typeof p === "string").at(-1) ?? "";
      expect(Object.keys(parse(example) as object)).toEqual([leaf]);
      const loads = withExample(path, example).filter((text) => {
        try {
          loadConfig(text);
          return true;
        } catch {
          return false;
        }
      });
      expect(
        loads.length,
        `\`${example}\` set at ${formatKey(path)} does not load`,
      ).toBeGreaterThan(0);
    },
  );
});

describe("key-hints helpers", () => {
  it("formats keys the way they read in the file", () => {
    expect(formatKey([])).toBe("(top level)");
    expect(formatKey(["run", "budget"])).toBe("run.budget");
    expect(formatKey(["objectives", 1, "name"])).toBe("objectives[1].name");
    expect(formatKey(["editable", 0])).toBe("editable[0]");
  });

  it("finds likely typos and nothing for unrelated words", () => {
    expect(closest("budgt", ["command", "budget", "grace"])).toBe("budget");
    expect(closest("Budget", ["budget"])).toBe("budget");
    expect(closest("minimise", ["minimize", "maximize"])).toBe("minimize");
    expect(closest("colour", ["version", "mode", "run"])).toBeUndefined();
  });

  it("shows values so that text, empty lists and absence are visible", () => {
    expect(show("5m")).toBe('"5m"');
    expect(show([])).toBe("[]");
    expect(show(undefined)).toBe("(nothing)");
    expect(show("x".repeat(100))).toHaveLength(60);
  });
});
