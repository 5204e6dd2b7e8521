import { LedgerEvent } from "../../core/index.ts";

/** The JSONL ledger's text: one validated event per line. */
export function ledgerText(events: readonly LedgerEvent[]): string {
  return events.map((event) => `${JSON.stringify(LedgerEvent.parse(event))}\n`).join("");
}

/** Parses the JSONL ledger; `where` names the file and commit for the error of a bad line. */
export function parseLedger(text: string, where: string): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() !== "") events.push(parseLine(line, i + 1, where));
  }
  return events;
}

function parseLine(line: string, n: number, where: string): LedgerEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new Error(
      `${where}, line ${n} is not JSON; the branch was edited by hand: fix or remove that line in a new commit on the branch`,
      { cause: error },
    );
  }
  const parsed = LedgerEvent.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${where}, line ${n} is not a ledger event (${issue?.path.join(".")}: ${issue?.message}); fix or remove that line in a new commit on the branch`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}
