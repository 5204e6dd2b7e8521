/** Bytes of a file sampled to guess which byte of the needle is rarest in it. */
const SAMPLE = 16 * 1024;
/**
 * Buffer.indexOf scans for the first byte (memchr) only for needles up to 7 bytes; a longer one
 * gets Boyer-Moore-Horspool on its last byte, which is slow when that byte is common. So the
 * scan looks for at most 7 bytes from the anchor, and a hit is then checked whole.
 */
const PROBE = 7;
/**
 * A case-insensitive anchor seen more often than this (a share of the sample) would leave too
 * many candidates to check one by one; the caller then searches another way.
 */
const CASELESS_MAX_SHARE = 1 / 256;

/**
 * Finds a needle by its rarest byte in the file at hand, as ripgrep does: Buffer.indexOf scans
 * for the first byte of what it is given at memchr speed, so starting from a byte that is rare
 * there (say "_" in prose, or "q") skips most of the text at once, where a common first letter
 * would stop the scan every few bytes. With `caseless` the needle is lowercase ASCII and matches
 * in any case, as /needle/i would.
 */
export class NeedleFinder {
  private readonly bytes: Buffer;
  private readonly needle: Buffer;
  private readonly anchor: number;
  private readonly probe: Buffer;
  private readonly caseless: boolean;
  private readonly lower: number;
  private readonly upper: number;
  private nextLower = -1;
  private nextUpper = -1;

  private constructor(bytes: Buffer, needle: Buffer, anchor: number, caseless: boolean) {
    this.bytes = bytes;
    this.needle = needle;
    this.anchor = anchor;
    this.probe = needle.subarray(anchor, anchor + PROBE);
    this.caseless = caseless;
    this.lower = needle[anchor] ?? 0;
    this.upper = isLower(this.lower) ? this.lower - 32 : this.lower;
  }

  /** A finder for bytes[start, end), or undefined where a caseless search would be slow. */
  static create(
    bytes: Buffer,
    start: number,
    end: number,
    needle: Buffer,
    caseless: boolean,
  ): NeedleFinder | undefined {
    const counts = new Uint32Array(256);
    const sampleEnd = Math.min(end, start + SAMPLE);
    for (let i = start; i < sampleEnd; i++) {
      const b = bytes[i] ?? 0;
      counts[b] = (counts[b] ?? 0) + 1;
    }
    const seen = (b: number) =>
      (counts[b] ?? 0) + (caseless && isLower(b) ? (counts[b - 32] ?? 0) : 0);
    // A case-sensitive search keeps two bytes at least after the anchor, so that indexOf
    // checks more than one byte itself.
    const last = caseless ? needle.length - 1 : Math.max(0, needle.length - 2);
    let anchor = 0;
    for (let k = 1; k <= last; k++)
      if (seen(needle[k] ?? 0) < seen(needle[anchor] ?? 0)) anchor = k;
    if (caseless && seen(needle[anchor] ?? 0) > (sampleEnd - start) * CASELESS_MAX_SHARE)
      return undefined;
    return new NeedleFinder(bytes, needle, anchor, caseless);
  }

  /** Where the next whole needle at or after `from` starts, if it ends by `end`; else -1. */
  find(from: number, end: number): number {
    const { bytes, needle, anchor } = this;
    for (let at = from + anchor; ; ) {
      const hit = this.caseless ? this.nextAnchor(at) : bytes.indexOf(this.probe, at);
      const start = hit - anchor;
      if (hit === -1 || start + needle.length > end) return -1;
      if (this.caseless ? this.matchesCaseless(start) : this.matches(start)) return start;
      at = hit + 1;
    }
  }

  private matches(start: number): boolean {
    const { bytes, needle } = this;
    return bytes.compare(needle, 0, needle.length, start, start + needle.length) === 0;
  }

  private matchesCaseless(start: number): boolean {
    const { bytes, needle } = this;
    for (let i = 0; i < needle.length; i++) {
      const want = needle[i] ?? 0;
      const got = bytes[start + i] ?? 0;
      if (got !== want && !(isLower(want) && got === want - 32)) return false;
    }
    return true;
  }

  /** The next position of the anchor byte in either case, remembering what was found ahead. */
  private nextAnchor(at: number): number {
    const { bytes } = this;
    if (this.nextLower !== Infinity && this.nextLower < at) {
      const next = bytes.indexOf(this.lower, at);
      this.nextLower = next === -1 ? Infinity : next;
    }
    if (this.upper === this.lower) return this.nextLower === Infinity ? -1 : this.nextLower;
    if (this.nextUpper !== Infinity && this.nextUpper < at) {
      const next = bytes.indexOf(this.upper, at);
      this.nextUpper = next === -1 ? Infinity : next;
    }
    const next = Math.min(this.nextLower, this.nextUpper);
    return next === Infinity ? -1 : next;
  }
}

function isLower(b: number): boolean {
  return b >= 0x61 && b <= 0x7a;
}
