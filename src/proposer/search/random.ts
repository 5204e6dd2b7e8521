/** mulberry32: a small seeded generator, so a session's proposals are reproducible from its seed. */
export function seededRandom(...seeds: number[]): () => number {
  let a = seeds.reduce((h, s) => Math.imul(h ^ (s | 0), 0x9e3779b1) >>> 0, 0x12345678);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
