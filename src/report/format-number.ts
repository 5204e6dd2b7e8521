/** Numbers as the reports show them: enough digits to tell runs apart, no float noise. */

/** A metric value (six significant digits by default), `—` when there is none. */
export function formatValue(value: number | undefined, digits = 6): string {
  if (value === undefined || !Number.isFinite(value)) return "—";
  return String(Number(value.toPrecision(digits)));
}

/** A change with its sign (`+0.0021`, `-0.013`), three significant digits. */
export function formatChange(change: number | undefined): string {
  if (change === undefined || !Number.isFinite(change)) return "—";
  if (change === 0) return "0";
  const text = String(Number(change.toPrecision(3)));
  return change > 0 ? `+${text}` : text;
}

/** The change from `from` to `to` relative to `from`, as a signed percentage; undefined from 0. */
export function formatRelative(to: number, from: number): string | undefined {
  if (from === 0 || !Number.isFinite(from) || !Number.isFinite(to)) return undefined;
  const percent = ((to - from) / Math.abs(from)) * 100;
  return `${percent > 0 ? "+" : ""}${percent.toFixed(2)} %`;
}

/** A count with thousands separators, independent of the machine's locale. */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
