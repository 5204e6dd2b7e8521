import picomatch from "picomatch";
import type { SessionState } from "../core/index.ts";
import type { Forge } from "../forge/forge.ts";
import type { Proposal, Proposer } from "../proposer/index.ts";
import { filesHash, historyOf } from "./history.ts";

export interface ProposingOptions {
  forge: Forge;
  proposer: Proposer;
  editable: readonly string[];
  locked?: readonly string[];
  program: string;
  settings: { seed: number; metric: { name: string; goal: "minimize" | "maximize" } };
}

/** Gathers what a proposer needs at the ratchet head, asks it, and checks what comes back. */
export class Proposing {
  private readonly o: ProposingOptions;
  private readonly editable: (path: string) => boolean;
  private readonly locked: (path: string) => boolean;

  constructor(options: ProposingOptions) {
    this.o = options;
    this.editable = picomatch([...options.editable], { dot: true });
    this.locked = options.locked?.length
      ? picomatch([...options.locked], { dot: true })
      : () => false;
  }

  async make(
    state: SessionState,
    signal: AbortSignal,
  ): Promise<{ proposal: Proposal; hash: string } | undefined> {
    const head = state.ratchetSha;
    const paths = (await this.o.forge.listFiles(head)).filter(
      (p) => this.editable(p) && !this.locked(p),
    );
    const files = await this.o.forge.readFiles(head, paths);
    const program =
      (await this.o.forge.readFiles(head, [this.o.program])).get(this.o.program) ?? "";
    const tried = new Set(state.experiments.flatMap((e) => (e?.filesHash ? [e.filesHash] : [])));
    tried.add(filesHash(files));
    const hashOf = (changed: ReadonlyMap<string, string>) =>
      filesHash(new Map([...files, ...changed]));
    const proposal = await this.o.proposer.propose({
      experiment: state.experiments.length + 1,
      seed: this.o.settings.seed,
      metric: this.o.settings.metric,
      program,
      files,
      history: historyOf(state),
      alreadyTried: (changed) => tried.has(hashOf(changed)),
      signal,
    });
    if (proposal === undefined) return undefined;
    this.check(proposal, files);
    const hash = hashOf(proposal.files);
    if (tried.has(hash))
      throw new Error(`the ${this.o.proposer.kind} proposer repeated a candidate already tried`);
    return { proposal, hash };
  }

  /** Edits outside scope never reach a commit, whatever the proposer returned. */
  private check(proposal: Proposal, files: ReadonlyMap<string, string>): void {
    const problems: string[] = [];
    for (const [path, content] of proposal.files) {
      if (path.startsWith(".github/") || !this.editable(path) || this.locked(path)) {
        problems.push(`${path} is not an editable file`);
      } else if (files.get(path) === content) problems.push(`${path} is unchanged`);
    }
    if (proposal.files.size === 0) problems.push("it changes no file");
    if (problems.length > 0) {
      throw new Error(
        `the ${this.o.proposer.kind} proposer returned an invalid proposal: ${problems.join("; ")}`,
      );
    }
  }
}
