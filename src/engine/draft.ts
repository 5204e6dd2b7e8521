import { applyEvent, type LedgerEvent, type SessionState } from "../core/index.ts";
import type { RefMove } from "../forge/ref-moves.ts";
import type { Outcome } from "./proposing.ts";

/** A proposal made while planning a step, with its commit once made: reused if the step is planned again. */
export interface MadeProposal {
  outcome: Outcome;
  /** The ratchet head it was made against. */
  parent: string;
  sha?: string;
}

/**
 * One step's plan: the events it will record, laid over the state they are decided on, the ref
 * moves written with them, and the effects (runs, archive) that follow once they are written. Nothing in a draft has
 * happened until the driver writes it; a draft that lost the ledger's compare-and-swap is thrown
 * away and the step planned again on the state that won.
 */
export class Draft {
  state: SessionState;
  readonly events: LedgerEvent[] = [];
  /** Branches the step moves: made with its events, before any effect. */
  readonly moves: RefMove[] = [];
  readonly effects: (() => Promise<void>)[] = [];
  /** Experiments (and negative placeholders for proposals) started by this draft. */
  readonly starting = new Set<number>();
  /** Proposals asked for while planning, kept for a re-plan. */
  readonly proposals: MadeProposal[] = [];

  constructor(state: SessionState) {
    this.state = state;
  }

  record(event: LedgerEvent): void {
    this.events.push(event);
    this.state = applyEvent(this.state, event);
  }

  move(...moves: RefMove[]): void {
    this.moves.push(...moves);
  }

  after(effect: () => Promise<void>): void {
    this.effects.push(effect);
  }
}
