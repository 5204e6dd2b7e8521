/**
 * The known word a mistyped one most likely meant, or undefined when none is close enough to
 * be worth suggesting. A unique prefix wins (`--max` → `--max-experiments`), then the smallest
 * edit distance within a third of the word's length, so `strat` suggests `start` but `foo`
 * suggests nothing.
 */
export function suggest(typed: string, known: readonly string[]): string | undefined {
  const word = normalize(typed);
  if (word === "") return undefined;
  const prefixed = known.filter((k) => k.startsWith(word));
  if (prefixed.length === 1) return prefixed[0];
  let best: { word: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(word, candidate);
    if (!best || distance < best.distance) best = { word: candidate, distance };
  }
  const allowed = Math.max(1, Math.floor(word.length / 3));
  return best && best.distance <= allowed ? best.word : undefined;
}

/** `--Max_Experiments` and `max-experiments` are the same intent; compare them as such. */
function normalize(word: string): string {
  return word.replace(/^-+/, "").toLowerCase().replaceAll("_", "-");
}

/** Edit distance where swapping two neighbours counts as one typo (`strat` is 1 from `start`). */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (before[j - 2] ?? 0) + 1);
      row.push(best);
    }
    before = previous;
    previous = row;
  }
  return previous[b.length] ?? 0;
}
