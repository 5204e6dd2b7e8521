import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/index.ts";
import { emptyState, replay, type SessionState, settingsFromConfig } from "../../src/core/index.ts";
import { ArchiveWriter, sessionPaths } from "../../src/engine/index.ts";
import { Proposing } from "../../src/engine/proposing.ts";
import { LocalForge } from "../../src/forge/local/index.ts";
import type { Proposal, Proposer } from "../../src/proposer/index.ts";
import { gitIn, tempRepo } from "../helpers/temp-repo.ts";

/** Hands back whatever it is given: the untrusted output under test. */
class Scripted implements Proposer {
  readonly kind = "scripted";
  next?: Proposal;
  async propose(): Promise<Proposal | undefined> {
    return this.next;
  }
}

const PATHS = [
  "src/model.py",
  "src/new_module.py",
  "src/data/loader.py",
  "prepare.py",
  "src/eval.py",
  ".github/workflows/ci.yml",
  ".GITHUB/workflows/x.yml",
  "src/.git/config",
  "../outside.py",
  "/etc/passwd",
  "src//model.py",
  "src\\model.py",
  "./src/model.py",
  "src/model.py\u0000",
  "program.md",
  "autoopt.yml",
  "README.md",
];

/** Half the paths are fine, so commits happen; the rest try every way out of scope. */
const path = fc.oneof(
  { arbitrary: fc.constantFrom(...PATHS.slice(0, 3)), weight: 3 },
  { arbitrary: fc.constantFrom(...PATHS.slice(3)), weight: 2 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
);

describe("Proposing: the last gate before a commit", () => {
  it("never lets an edit outside the editable, unlocked files reach a commit (property)", async () => {
    const repo = tempRepo({
      "README.md": "# r\n",
      "program.md": "go\n",
      "autoopt.yml": "version: 1\n",
      "prepare.py": "# data\n",
    });
    gitIn(repo, "checkout", "-q", "-b", "work");
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(`${repo}/src/data`, { recursive: true });
    for (const f of ["src/model.py", "src/eval.py", "src/data/loader.py"])
      writeFileSync(`${repo}/${f}`, `# ${f}\nX = 1\n`);
    gitIn(repo, "add", "-A");
    gitIn(repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "src");
    const head = gitIn(repo, "rev-parse", "HEAD").trim();
    const config = Config.parse({
      version: 1,
      editable: ["src/**/*.py"],
      locked: ["src/eval.py", "prepare.py"],
      run: { command: "true" },
      metric: { name: "m", goal: "minimize" },
    });
    const forge = new LocalForge({ repo, session: "p", env: process.env });
    await forge.startSession(head);
    const proposer = new Scripted();
    const proposing = new Proposing({
      forge,
      archive: new ArchiveWriter(sessionPaths(repo, "p")),
      proposer,
      editable: config.editable,
      locked: config.locked,
      program: config.program,
      settings: settingsFromConfig(config),
    });
    const state: SessionState = { ...replay([]), ...emptyState(), ratchetSha: head, baseSha: head };
    let committed = 0;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(path, fc.string({ maxLength: 20 })), {
          minLength: 1,
          maxLength: 4,
          selector: (t) => t[0],
        }),
        async (edits) => {
          proposer.next = { description: "generated", files: new Map(edits) };
          const outcome = await proposing.make(() => state, new AbortController().signal);
          if (outcome.type !== "made") return;
          const { proposal, parent } = outcome.made;
          const sha = await forge.commitCandidate({
            experiment: ++n,
            parent,
            files: proposal.files,
            message: proposal.description,
          });
          committed++;
          const changed = gitIn(repo, "diff", "--name-only", head, sha).split("\n").filter(Boolean);
          for (const path of changed) {
            expect(["src/model.py", "src/new_module.py", "src/data/loader.py"]).toContain(path);
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(committed).toBeGreaterThan(20);
  });
});
