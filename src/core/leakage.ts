/** What a task set gives away: the ids of its tasks and their expected answers. */
export interface TaskFacts {
  ids: readonly string[];
  answers: readonly string[];
}

export interface Leak {
  kind: "task id" | "expected answer";
  value: string;
  path: string;
  /** 1-based line of the changed file. */
  line: number;
}

/** Shorter answers ("spam", "42", "yes") are ordinary words in code and prove nothing. */
const MIN_ANSWER_LENGTH = 12;
const MIN_ID_LENGTH = 6;

/**
 * Task ids and expected answers that a change writes into the code: a harness that looks answers
 * up instead of working them out scores well on the search split and means nothing. Only lines
 * the change adds count, and only values distinctive enough not to occur by chance: ids of at
 * least six characters that are not a plain short number, answers of at least twelve.
 */
export function findLeaks(
  changes: readonly { path: string; before?: string; after: string }[],
  facts: TaskFacts,
): Leak[] {
  const ids = [...new Set(facts.ids.filter(distinctiveId))];
  const answers = [
    ...new Set(facts.answers.map(normalize).filter((a) => a.length >= MIN_ANSWER_LENGTH)),
  ];
  const leaks: Leak[] = [];
  for (const change of changes) {
    const old = new Set((change.before ?? "").split("\n"));
    change.after.split("\n").forEach((text, i) => {
      if (old.has(text)) return;
      const flat = normalize(text);
      for (const id of ids)
        if (containsToken(text, id))
          leaks.push({ kind: "task id", value: id, path: change.path, line: i + 1 });
      for (const answer of answers)
        if (flat.includes(answer))
          leaks.push({ kind: "expected answer", value: answer, path: change.path, line: i + 1 });
    });
  }
  return leaks;
}

/** One sentence for the proposer and the ledger: what leaked, where, and what to do instead. */
export function describeLeaks(leaks: readonly Leak[]): string {
  const shown = leaks
    .slice(0, 5)
    .map((l) => `${l.kind} ${JSON.stringify(shorten(l.value))} at ${l.path}:${l.line}`);
  const more = leaks.length > shown.length ? ` and ${leaks.length - shown.length} more` : "";
  return `the change embeds the task set in the code (${shown.join("; ")}${more}); a harness must work answers out from the task's input, not look them up — remove these values`;
}

function distinctiveId(id: string): boolean {
  if (id.length < MIN_ID_LENGTH) return false;
  return /^\d+$/.test(id) ? id.length >= 8 : true;
}

/** `id` occurs in `text` not as part of a longer word or number. */
function containsToken(text: string, id: string): boolean {
  for (let at = text.indexOf(id); at >= 0; at = text.indexOf(id, at + 1)) {
    const before = text[at - 1] ?? " ";
    const after = text[at + id.length] ?? " ";
    if (!/[A-Za-z0-9_]/.test(before) && !/[A-Za-z0-9_]/.test(after)) return true;
  }
  return false;
}

function normalize(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
