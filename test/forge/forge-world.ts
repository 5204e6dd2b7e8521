import type { Forge } from "../../src/forge/forge.ts";

/** What the starting commit holds, in every repository the contract runs against. */
export const BASE_FILES: Readonly<Record<string, string>> = {
  "train.py": [
    "import torch",
    "",
    "LR = 0.04",
    "DEPTH = 8",
    "",
    "def train():",
    "    pass",
    "",
    "",
    "WARMUP = 100",
    "DECAY = 0.2",
    "",
  ].join("\n"),
  "run.sh": "#!/bin/sh\npython train.py\n",
  "notes.md": "# notes\n",
  "sub/lib.py": "SCALE = 2\n",
};

/** The one file of the base that is executable (mode 100755); the others are 100644. */
export const EXECUTABLE = "run.sh";

/**
 * One test's repository, seen two ways: through forges, and straight from its git objects and
 * refs, so a test checks what a forge did to the repository rather than what it says it did.
 */
export interface ForgeWorld {
  /** A forge for `session` of this repository; each call is another writer (a resumed process). */
  forge(session: string): Forge;
  /** The starting commit, holding BASE_FILES. */
  base: string;
  /** Where branch `name` (without `refs/heads/`) points; undefined when there is none. */
  branch(name: string): string | undefined;
  /** Every branch whose name starts with `prefix`, by name (without `refs/heads/`). */
  branches(prefix: string): Record<string, string>;
  parents(sha: string): string[];
  /** The commit's message, without the line break git ends it with. */
  message(sha: string): string;
  /** Every file of a commit, with its content. */
  files(sha: string): Record<string, string>;
  /** A file's mode at a commit ("100644", "100755"); undefined when the commit lacks it. */
  mode(sha: string, path: string): string | undefined;
  /** A commit made in the repository itself, not by a forge; `null` deletes a path. */
  commit(parent: string, changes: Readonly<Record<string, string | null>>): string;
  /** Points a branch at `sha` from outside autoopt (another writer, or a person). */
  setBranch(name: string, sha: string): void;
}

export type MakeWorld = () => ForgeWorld;

export const SESSION = "s1";
export const RATCHET = `autoopt/${SESSION}/ratchet`;
export const exp = (n: number) => `autoopt/${SESSION}/exp-${n}`;
export const frontier = (n: number) => `autoopt/${SESSION}/frontier/exp-${n}`;

/** train.py of the base with its `LR = …` line set to `lr`. */
export function trainWithLr(lr: string): string {
  return BASE_FILES["train.py"]?.replace("LR = 0.04", `LR = ${lr}`) ?? "";
}

/** train.py of the base with its `WARMUP = …` line set to `warmup`. */
export function trainWithWarmup(warmup: string): string {
  return BASE_FILES["train.py"]?.replace("WARMUP = 100", `WARMUP = ${warmup}`) ?? "";
}

/** A forge for SESSION whose ratchet starts at the base. */
export async function started(world: ForgeWorld): Promise<Forge> {
  const forge = world.forge(SESSION);
  await forge.startSession(world.base);
  return forge;
}

/** A candidate commit on `parent` (the base by default) made by the forge, on no branch. */
export function candidate(
  forge: Forge,
  parent: string,
  files: Readonly<Record<string, string>>,
  message = "candidate",
): Promise<string> {
  return forge.commitCandidate({ parent, files: new Map(Object.entries(files)), message });
}
