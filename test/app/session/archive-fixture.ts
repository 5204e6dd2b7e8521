import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Config } from "../../../src/config/index.ts";
import type { Result } from "../../../src/core/index.ts";
import type { ProposalContext, Proposer } from "../../../src/proposer/index.ts";
import { SearchProposer } from "../../../src/proposer/index.ts";
import { OWNER, REPO } from "../../forge/github/github-shapes.ts";
import { artifactFiles, result } from "./session-fixture.ts";
import type { FakeRun } from "./session-shapes.ts";

/** A fresh AUTOOPT_ARCHIVE_DIR and the folder session `issue-7` gets in it. */
export function archiveDir(): { root: string; session: string } {
  const root = mkdtempSync(join(tmpdir(), "autoopt-app-archive-"));
  return { root, session: join(root, OWNER, REPO, "issue-7") };
}

/** The session fixture's config, with the LLM proposer. */
export function llmConfig(session: Record<string, unknown> = {}): Config {
  return Config.parse({
    version: 1,
    editable: ["train.py"],
    locked: ["prepare.py"],
    run: { command: "python train.py", budget: "5m" },
    metric: { name: "val_bpb", goal: "minimize" },
    session: { max_experiments: 5, ...session },
    proposer: { kind: "llm", model: "gpt-4.1-mini" },
  });
}

/** Per-task traces as a harness writes them to `$AUTOOPT_OUT/traces/tasks.jsonl`. */
export function traces(tasks: { task_id: string; score: number; output: string }[]): string {
  return tasks.map((t) => `${JSON.stringify(t)}\n`).join("");
}

/** The artifact the action uploads for `run`: result.json reporting `value`, plus `more` files. */
export function artifactWith(
  run: FakeRun,
  value: number,
  more: Record<string, string>,
  changes: Partial<Result> = {},
): Record<string, string> {
  return { ...artifactFiles(result(run, value, changes)), ...more };
}

/**
 * A proposer that says it is the LLM one (so the App gives it the archive tools), calls `calls`
 * with the tools before each proposal, and leaves the edit to the search proposer.
 */
export function toolUser(
  calls: (context: ProposalContext) => Promise<void>,
  seen: ProposalContext[] = [],
): Proposer {
  const inner = new SearchProposer();
  return {
    kind: "llm",
    async propose(context) {
      seen.push(context);
      await calls(context);
      return inner.propose(context);
    },
  };
}

/** Every file under `dir` (relative paths) with its text; nothing when it does not exist. */
export function filesUnder(dir: string): Map<string, string> {
  if (!existsSync(dir)) return new Map();
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  return new Map(
    entries
      .filter((e) => e.isFile())
      .map((e) => {
        const path = join(e.parentPath, e.name);
        return [path.slice(dir.length + 1), readFileSync(path, "latin1")] as const;
      })
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}
