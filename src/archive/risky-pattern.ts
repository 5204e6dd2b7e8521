/**
 * A quantified group that itself holds a quantifier or alternatives — `(a+)+`, `(\w*)*`,
 * `((x)+y)+`, `(a|ab)*` — can make a backtracking engine take exponential time on a line that does
 * not match, and a running regex cannot be interrupted. Such patterns are refused up front;
 * searching logs never needs them (a character class does: `[\d.]+`).
 */
export function riskyPattern(pattern: string): boolean {
  /** For each open group: whether something inside it repeats. */
  const groups: boolean[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (c === "[") i = classEnd(pattern, i);
    else if (c === "(") groups.push(false);
    else if (c === "|") markOuter(groups);
    else if (c === ")") {
      const repeatsInside = groups.pop() ?? false;
      const repeated = quantifierAt(pattern, i + 1);
      if (repeated && repeatsInside) return true;
      if (repeated || repeatsInside) markOuter(groups);
    } else if (quantifierAt(pattern, i)) markOuter(groups);
  }
  return false;
}

function markOuter(groups: boolean[]): void {
  if (groups.length > 0) groups[groups.length - 1] = true;
}

/** A repetition: `*`, `+`, `{n,}`, `{n,m}`, or `{n}` for n > 2 (`(.*a){12}` is n¹² work). */
function quantifierAt(pattern: string, i: number): boolean {
  const c = pattern[i];
  if (c === "*" || c === "+") return true;
  const m = c === "{" ? /^\{(\d+)(,\d*)?\}/.exec(pattern.slice(i)) : null;
  return m !== null && (m[2] !== undefined || Number(m[1]) > 2);
}

/** Index of the `]` closing the character class that opens at `start`. */
function classEnd(pattern: string, start: number): number {
  for (let i = start + 1; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "]" && i > start + 1) return i;
  }
  return pattern.length;
}
