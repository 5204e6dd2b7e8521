/** What thinPoints needs of a point. */
export interface ThinInput {
  index: number;
  status: "keep" | "discard" | "crash" | "baseline";
}

/**
 * At most `max` points, in index order. Accepted points (baseline and keeps) are the story of
 * the session, so every one stays while they fit; the rest share the remaining slots, spread
 * evenly so the scatter of attempts keeps its shape. When the accepted points alone exceed
 * `max` they are thinned evenly too, first and last always kept.
 */
export function thinPoints<T extends ThinInput>(points: readonly T[], max: number): T[] {
  const sorted = [...points].sort((a, b) => a.index - b.index);
  if (sorted.length <= max) return sorted;
  const accepted = sorted.filter((p) => p.status === "keep" || p.status === "baseline");
  if (accepted.length >= max) return spread(accepted, max);
  const others = sorted.filter((p) => p.status !== "keep" && p.status !== "baseline");
  const chosen = [...accepted, ...spread(others, max - accepted.length)];
  return chosen.sort((a, b) => a.index - b.index);
}

/** `count` items spread evenly over `items`, including the first and the last. */
function spread<T>(items: readonly T[], count: number): T[] {
  if (count <= 0) return [];
  if (count >= items.length) return [...items];
  if (count === 1) return items.slice(-1);
  const step = (items.length - 1) / (count - 1);
  return Array.from({ length: count }, (_, i) => items[Math.round(i * step)]).filter(
    (item): item is T => item !== undefined,
  );
}
