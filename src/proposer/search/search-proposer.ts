import type { Proposal, ProposalContext, Proposer } from "../proposer.ts";
import { type Constant, findConstants, formatNumber, setConstant } from "./constants.ts";
import { seededRandom } from "./random.ts";
import {
  type ConstantChange,
  type Direction,
  INITIAL_STEP,
  type Knob,
  learnKnobs,
  MIN_STEP,
  stepValue,
} from "./step-model.ts";

interface Move {
  constant: Constant;
  dir: Direction;
  step: number;
  to: number;
  why: string;
}

/**
 * The offline proposer: nudges module-level numeric constants of the editable files, one or two
 * per experiment, steered by what the ledger says worked. Needs no model and no network.
 */
export class SearchProposer implements Proposer {
  readonly kind = "search";
  private readonly maxChanges: number;

  constructor(options: { maxChanges?: number } = {}) {
    this.maxChanges = options.maxChanges ?? 2;
  }

  async propose(context: ProposalContext): Promise<Proposal | undefined> {
    const constants = [...context.files].flatMap(([file, text]) => findConstants(file, text));
    if (constants.length === 0) return undefined;
    const knobs = learnKnobs(context.history);
    const random = seededRandom(context.seed, context.experiment);
    const ranked = rank(constants, knobs, random);
    const singles = ranked.flatMap((c) => movesFor(c, knobs.get(c.name), random));
    const pairs = this.maxChanges >= 2 && random() < 0.3 ? pairMoves(singles) : [];
    for (const moves of [...pairs, ...singles.map((m) => [m])]) {
      const proposal = build(moves, context.files);
      if (proposal && !context.alreadyTried(proposal.files)) return proposal;
    }
    return undefined;
  }
}

/** Constants most worth a try first: momentum after a keep, then untried ones, then large steps. */
function rank(constants: Constant[], knobs: Map<string, Knob>, random: () => number): Constant[] {
  const score = (c: Constant) => {
    const k = knobs.get(c.name);
    // Untried constants come before refining one that has just stopped improving.
    if (!k) return 4 + random();
    const converged = k.step < MIN_STEP ? -10 : 0;
    // One direction failed: the other one is the most informative next try.
    const otherWayOpen = !k.preferred && k.failed.length === 1 ? 4 : 0;
    return (
      (k.preferred ? 3 : 0) + otherWayOpen + k.step / INITIAL_STEP + converged + random() * 0.5
    );
  };
  const scored = constants.map((c) => ({ c, s: score(c) }));
  return scored.sort((a, b) => b.s - a.s).map(({ c }) => c);
}

/** Candidate moves for one constant, best first: its learned direction and step, then smaller steps. */
function movesFor(c: Constant, knob: Knob | undefined, random: () => number): Move[] {
  const step = knob?.step ?? INITIAL_STEP;
  const open: Direction[] = knob?.preferred
    ? [knob.preferred, -knob.preferred as Direction]
    : ([1, -1] as Direction[]).filter((d) => !knob?.failed.includes(d));
  if (!knob?.preferred && open.length === 2 && random() < 0.5) open.reverse();
  const dirs: Direction[] = open.length > 0 ? open : [1, -1];
  const moves: Move[] = [];
  for (const scale of [1, 0.5, 0.25]) {
    for (const dir of dirs) {
      const to = Number(formatNumber(stepValue(c.value, c.integer, dir, step * scale), c));
      if (to !== c.value && Number.isFinite(to))
        moves.push({ constant: c, dir, step: step * scale, to, why: reason(knob, dir) });
    }
  }
  return moves;
}

function reason(knob: Knob | undefined, dir: Direction): string {
  const way = dir > 0 ? "raising" : "lowering";
  if (!knob) return `${way} it is untried`;
  if (knob.preferred === dir) return `${way} it was kept before; continuing that way`;
  if (knob.preferred) return `${way} it: the kept direction overshot`;
  return knob.failed.length > 0
    ? `the other direction did not help; ${way} it`
    : `${way} it at a smaller step`;
}

/** Two moves on different constants, leading with the most promising ones. */
function pairMoves(singles: Move[]): Move[][] {
  const firsts = singles.filter(
    (m, i) => singles.findIndex((o) => o.constant.name === m.constant.name) === i,
  );
  const pairs: Move[][] = [];
  for (let i = 0; i < Math.min(firsts.length, 3); i++) {
    for (let j = i + 1; j < Math.min(firsts.length, 4); j++) {
      const a = firsts[i];
      const b = firsts[j];
      if (a && b) pairs.push([a, b]);
    }
  }
  return pairs;
}

function build(moves: Move[], files: ReadonlyMap<string, string>): Proposal | undefined {
  const changed = new Map<string, string>();
  const changes: ConstantChange[] = [];
  for (const m of moves) {
    const source = changed.get(m.constant.file) ?? files.get(m.constant.file);
    if (source === undefined) return undefined;
    changed.set(m.constant.file, setConstant(source, m.constant, m.to));
    changes.push({
      file: m.constant.file,
      name: m.constant.name,
      from: m.constant.value,
      to: m.to,
    });
  }
  const arrow = (m: Move) =>
    `${m.constant.name} ${m.constant.text} → ${formatNumber(m.to, m.constant)}`;
  return {
    description: moves.map(arrow).join(", "),
    hypothesis: moves.map((m) => `${m.constant.name}: ${m.why}`).join("; "),
    files: changed,
    changes,
  };
}
