import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HistoryEntry, Proposal, ProposalContext } from "../../../src/proposer/index.ts";
import { findConstants, SearchProposer } from "../../../src/proposer/index.ts";
import { type ConstantChange, isConstantChanges } from "../../../src/proposer/search/step-model.ts";

const TRAIN_PY = [
  "import torch",
  "",
  "DEPTH = 8",
  "MATRIX_LR = 0.04",
  "WEIGHT_DECAY = 0.2  # AdamW",
  "WARMUP_RATIO = 0.0",
  "TOTAL_BATCH_SIZE = 2**19",
  "",
  "def train():",
  "    model = build(DEPTH)",
  "",
].join("\n");
const CONFIG_TS = "export const LR = 0.1;\nexport const name = 'x';\n";
const NOTES = "# notes\nNothing = to tune here\n";

const FILES: ReadonlyMap<string, string> = new Map([
  ["train.py", TRAIN_PY],
  ["config.ts", CONFIG_TS],
  ["notes.md", NOTES],
]);

/** Order-independent identity of a full set of editable files, as the engine computes it. */
function hashOf(files: ReadonlyMap<string, string>): string {
  return JSON.stringify([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

interface Options {
  files?: ReadonlyMap<string, string>;
  seed?: number;
  experiment?: number;
  history?: readonly HistoryEntry[];
  tried?: ReadonlySet<string>;
}

/** A context whose alreadyTried merges the proposal onto the head's files, as the engine does. */
function contextFor(options: Options = {}): ProposalContext {
  const files = options.files ?? FILES;
  const tried = options.tried ?? new Set([hashOf(files)]);
  return {
    experiment: options.experiment ?? 1,
    seed: options.seed ?? 1,
    metric: { name: "val_bpb", goal: "minimize" },
    program: "make val_bpb lower",
    files,
    history: options.history ?? [],
    alreadyTried: (changed) => tried.has(hashOf(new Map([...files, ...changed]))),
    isEditable: (path) => files.has(path),
    rules: { editable: [...files.keys()], locked: [], budget_s: 60, threshold: 0, sigma: 0 },
    tokensUsed: 0,
  };
}

async function propose(options: Options = {}, maxChanges = 2): Promise<Proposal> {
  const proposal = await new SearchProposer({ maxChanges }).propose(contextFor(options));
  if (!proposal) throw new Error("expected a proposal");
  return proposal;
}

/** Every constant whose value differs between the head's files and the proposal. */
function changedConstants(files: ReadonlyMap<string, string>, proposal: Proposal) {
  return [...proposal.files].flatMap(([file, text]) => {
    const before = findConstants(file, files.get(file) ?? "");
    return findConstants(file, text).flatMap((after) => {
      const was = before.find((c) => c.name === after.name);
      return was && was.value !== after.value
        ? [{ file, name: after.name, from: was, to: after }]
        : [];
    });
  });
}

const changesOf = (p: Proposal): ConstantChange[] =>
  isConstantChanges(p.changes) ? p.changes : [];
const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

describe("SearchProposer", () => {
  it("changes one or two constants and describes each exactly as `NAME old → new`", async () => {
    const sizes = new Set<number>();
    for (const seed of SEEDS) {
      const proposal = await propose({ seed });
      const changed = changedConstants(FILES, proposal);
      sizes.add(changed.length);
      expect([1, 2]).toContain(changed.length);
      // In the order the proposer chose them, so compared as sets.
      const parts = proposal.description.split(", ");
      expect(parts.sort()).toEqual(
        changed.map((c) => `${c.name} ${c.from.text} → ${c.to.text}`).sort(),
      );
      const recorded = changesOf(proposal);
      expect(recorded).toHaveLength(changed.length);
      expect(recorded).toEqual(
        expect.arrayContaining(
          changed.map((c) => ({ file: c.file, name: c.name, from: c.from.value, to: c.to.value })),
        ),
      );
      expect(proposal.hypothesis).toMatch(/\S/);
    }
    expect(sizes).toEqual(new Set([1, 2]));
  });

  it("writes the new value in the constant's own style", async () => {
    const files = new Map([["train.py", "MATRIX_LR = 0.04\n"]]);
    const proposal = await propose({ files });
    // A fraction moves in logit space: the odds 1/24 become 1/16 or 1/36.
    const up = { description: "MATRIX_LR 0.04 → 0.05882", text: "MATRIX_LR = 0.05882\n" };
    const down = { description: "MATRIX_LR 0.04 → 0.02703", text: "MATRIX_LR = 0.02703\n" };
    expect([up, down]).toContainEqual({
      description: proposal.description,
      text: proposal.files.get("train.py"),
    });
  });

  it("changes a single constant when maxChanges is 1", async () => {
    for (const seed of SEEDS)
      expect(changedConstants(FILES, await propose({ seed }, 1))).toHaveLength(1);
  });

  it("returns only the editable files it changed", async () => {
    const seen = new Set<string>();
    for (const seed of SEEDS) {
      const proposal = await propose({ seed });
      for (const [path, text] of proposal.files) {
        seen.add(path);
        expect(FILES.has(path)).toBe(true);
        expect(text).not.toBe(FILES.get(path));
        // Only the constants' own lines differ.
        const before = FILES.get(path)?.split("\n") ?? [];
        const changedLines = text.split("\n").filter((line, i) => line !== before[i]);
        expect(changedLines.length).toBe(
          changedConstants(FILES, { ...proposal, files: new Map([[path, text]]) }).length,
        );
      }
    }
    expect(seen).toEqual(new Set(["train.py", "config.ts"]));
  });

  it("is reproducible from the seed", async () => {
    for (const seed of SEEDS.slice(0, 10)) {
      expect(await propose({ seed, experiment: 7 })).toEqual(
        await propose({ seed, experiment: 7 }),
      );
    }
    const descriptions = new Set(
      await Promise.all(
        SEEDS.slice(0, 20).map(async (seed) => (await propose({ seed })).description),
      ),
    );
    expect(descriptions.size).toBeGreaterThan(1);
  });

  it("after keeping X up, pushes X further up with a larger step", async () => {
    const files = new Map([["train.py", TRAIN_PY.replace("DEPTH = 8", "DEPTH = 12")]]);
    const history: HistoryEntry[] = [
      { experiment: 1, kind: "baseline", description: "baseline", outcome: "baseline", value: 1.0 },
      {
        experiment: 2,
        kind: "candidate",
        description: "DEPTH 8 → 12",
        changes: [{ file: "train.py", name: "DEPTH", from: 8, to: 12 }],
        outcome: "keep",
        value: 0.98,
        delta: -0.02,
      },
    ];
    for (const seed of SEEDS) {
      const proposal = await propose({ files, history, seed, experiment: 3 });
      // 12 × 1.5² = 27: the kept step (× 1.5) doubled in log space.
      expect(changesOf(proposal)).toContainEqual({
        file: "train.py",
        name: "DEPTH",
        from: 12,
        to: 27,
      });
      expect(proposal.description).toContain("DEPTH 12 → 27");
    }
    expect((await propose({ files, history }, 1)).description).toBe("DEPTH 12 → 27");
  });

  it("after a float was kept going up, continues up with a larger step", async () => {
    const files = new Map([["train.py", "SCALE = 3.0\n"]]);
    const history: HistoryEntry[] = [
      {
        experiment: 1,
        kind: "candidate",
        description: "SCALE 2.0 → 3.0",
        changes: [{ file: "train.py", name: "SCALE", from: 2, to: 3 }],
        outcome: "keep",
      },
    ];
    for (const seed of SEEDS.slice(0, 10))
      expect((await propose({ files, history, seed })).description).toBe("SCALE 3.0 → 6.75");
  });

  it("keeps pushing a fraction towards 1 without ever writing 1.0", async () => {
    let files = new Map([["train.py", "EMA_DECAY = 0.99\n"]]);
    const history: HistoryEntry[] = [
      {
        experiment: 1,
        kind: "candidate",
        description: "EMA_DECAY 0.98 → 0.99",
        changes: [{ file: "train.py", name: "EMA_DECAY", from: 0.98, to: 0.99 }],
        outcome: "keep",
      },
    ];
    const values: number[] = [0.99];
    for (let experiment = 2; experiment <= 12; experiment++) {
      const proposal = await propose({ files, history, experiment });
      const [change] = changesOf(proposal);
      if (!change) throw new Error("no change recorded");
      history.push({
        experiment,
        kind: "candidate",
        description: proposal.description,
        changes: proposal.changes,
        outcome: "keep",
      });
      files = new Map([...files, ...proposal.files]);
      values.push(change.to);
    }
    // Each keep went up again; the last ones need more than four digits to stay below 1.
    for (const [i, v] of values.entries()) {
      expect(v).toBeLessThan(1);
      if (i > 0) expect(v).toBeGreaterThan(values[i - 1] ?? 1);
    }
    expect(files.get("train.py")).toMatch(/^EMA_DECAY = 0\.9999\d+\n$/);
  });

  it("after X up was discarded, tries X down", async () => {
    const files = new Map([["train.py", "DEPTH = 8\n"]]);
    const history: HistoryEntry[] = [
      {
        experiment: 1,
        kind: "candidate",
        description: "DEPTH 8 → 12",
        changes: [{ file: "train.py", name: "DEPTH", from: 8, to: 12 }],
        outcome: "discard",
      },
    ];
    for (const seed of SEEDS.slice(0, 10))
      expect((await propose({ files, history, seed })).description).toBe("DEPTH 8 → 5");
  });

  it("returns undefined when there is no constant to tune", async () => {
    const proposer = new SearchProposer();
    expect(await proposer.propose(contextFor({ files: new Map() }))).toBeUndefined();
    const constantless = new Map([
      ["notes.md", NOTES],
      ["train.py", "import torch\nx = 3\n    INDENTED = 4\nBATCH = 2**19\n"],
    ]);
    expect(await proposer.propose(contextFor({ files: constantless }))).toBeUndefined();
  });

  it("returns undefined when everything it would propose was tried", async () => {
    const proposer = new SearchProposer();
    const context = { ...contextFor(), alreadyTried: () => true };
    expect(await proposer.propose(context)).toBeUndefined();

    // Feeding every proposal back as tried exhausts a small space, and then it stays exhausted.
    const files = new Map([["train.py", "DEPTH = 8\nLR = 0.5\n"]]);
    const tried = new Set([hashOf(files)]);
    let count = 0;
    for (let experiment = 1; experiment <= 100; experiment++) {
      const proposal = await proposer.propose(contextFor({ files, tried, experiment }));
      if (!proposal) break;
      count += 1;
      tried.add(hashOf(new Map([...files, ...proposal.files])));
    }
    expect(count).toBeGreaterThan(4);
    expect(count).toBeLessThan(100);
    expect(await proposer.propose(contextFor({ files, tried, experiment: 101 }))).toBeUndefined();
  });

  it("never proposes a configuration already tried, over any history (property)", async () => {
    let proposals = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(1, 2),
        fc.array(
          fc.constantFrom<"keep" | "discard" | "crash">("keep", "discard", "discard", "crash"),
          { minLength: 40, maxLength: 40 },
        ),
        async (seed, maxChanges, outcomes) => {
          const proposer = new SearchProposer({ maxChanges });
          let files: ReadonlyMap<string, string> = FILES;
          const tried = new Set([hashOf(files)]);
          const history: HistoryEntry[] = [
            { experiment: 1, kind: "baseline", description: "baseline", outcome: "baseline" },
          ];
          for (const [i, outcome] of outcomes.entries()) {
            const experiment = i + 2;
            const context = contextFor({ files, tried, history, seed, experiment });
            const proposal = await proposer.propose(context);
            if (!proposal) break;
            proposals += 1;
            expect(context.alreadyTried(proposal.files)).toBe(false);
            for (const [path, text] of proposal.files) {
              expect(files.has(path)).toBe(true);
              expect(text).not.toBe(files.get(path));
            }
            const merged = new Map([...files, ...proposal.files]);
            expect(tried.has(hashOf(merged))).toBe(false);
            tried.add(hashOf(merged));
            history.push({
              experiment,
              kind: "candidate",
              description: proposal.description,
              changes: proposal.changes,
              outcome,
            });
            if (outcome === "keep") files = merged;
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(proposals).toBeGreaterThan(60 * 20);
  });
});
