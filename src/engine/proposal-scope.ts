import picomatch from "picomatch";
import { allObjectives, mean, type SessionState, type Settings, threshold } from "../core/index.ts";
import {
  type Proposal,
  type ProposalContext,
  ProposalFailedError,
  pathRuleProblem,
} from "../proposer/index.ts";

/**
 * What a proposal may write, and the last check before a commit — shared by the local engine
 * and the App, so that both gates are one.
 */
export class ProposalScope {
  readonly editableGlobs: readonly string[];
  readonly lockedGlobs: readonly string[];
  private readonly editable: (path: string) => boolean;
  private readonly locked: (path: string) => boolean;

  constructor(editable: readonly string[], locked: readonly string[] = []) {
    this.editableGlobs = editable;
    this.lockedGlobs = locked;
    this.editable = picomatch([...editable], { dot: true });
    this.locked = locked.length > 0 ? picomatch([...locked], { dot: true }) : () => false;
  }

  /** The one test of what a proposal may write: a plain relative path, editable, not locked. */
  isEditable(path: string): boolean {
    return pathRuleProblem(path) === undefined && this.editable(path) && !this.locked(path);
  }

  /** Edits outside scope never reach a commit: such a proposal fails (recorded), whatever the proposer. */
  check(proposal: Proposal, files: ReadonlyMap<string, string>, proposer: string): void {
    const problems: string[] = [];
    for (const [path, content] of proposal.files) {
      if (!this.isEditable(path)) problems.push(`${path} is not an editable file`);
      else if (files.get(path) === content) problems.push(`${path} is unchanged`);
    }
    if (proposal.files.size === 0) problems.push("it changes no file");
    if (problems.length > 0) {
      throw new ProposalFailedError(
        `the ${proposer} proposer returned an invalid proposal: ${problems.join("; ")}`,
      );
    }
  }

  /** The rules stated to proposers: scope, budget, baseline, best and the noise gate. */
  rules(state: SessionState, settings: Settings): ProposalContext["rules"] {
    const baseline = state.baselineValues.length > 0 ? mean(state.baselineValues) : undefined;
    return {
      editable: this.editableGlobs,
      locked: this.lockedGlobs,
      budget_s: settings.budget_s,
      threshold: threshold(settings.min_delta, settings.noise_sigmas, state.sigma),
      sigma: state.sigma,
      ...(state.best === undefined ? {} : { best: state.best }),
      ...(baseline === undefined ? {} : { baseline }),
      ...((settings.objectives?.length ?? 0) > 0
        ? {
            objectives: allObjectives(settings),
            rule: settings.rule ?? "primary",
            ...(settings.weights ? { weights: settings.weights } : {}),
          }
        : {}),
    };
  }
}
