import type { Redactor } from "./redactor.ts";

/** Text held back at most while waiting for a newline, besides what a secret's prefix needs. */
const MAX_PENDING = 8192;

/**
 * Redacts text that arrives in pieces (a process's output), where a secret can be split across
 * two writes: complete lines go out redacted at once; the unfinished last line is held back, and
 * when it grows long only the part that cannot be the start of a secret is let out.
 */
export class RedactStream {
  readonly #redact: Redactor;
  readonly #hold: number;
  #pending = "";

  constructor(redact: Redactor) {
    this.#redact = redact;
    this.#hold = Math.max(0, (redact.secrets[0]?.length ?? 0) - 1);
  }

  /** The redacted text that can be let out now. */
  write(text: string): string {
    if (this.#redact.secrets.length === 0) return text;
    this.#pending += text;
    const newline = this.#pending.lastIndexOf("\n");
    let out = "";
    if (newline >= 0) {
      out = this.#redact(this.#pending.slice(0, newline + 1));
      this.#pending = this.#pending.slice(newline + 1);
    }
    if (this.#pending.length > MAX_PENDING + this.#hold) {
      const cut = this.#safeCut(this.#pending.length - this.#hold);
      out += this.#redact(this.#pending.slice(0, cut));
      this.#pending = this.#pending.slice(cut);
    }
    return out;
  }

  /** Whatever is still held back, redacted: the output has ended. */
  end(): string {
    const out = this.#redact(this.#pending);
    this.#pending = "";
    return out;
  }

  /** `at`, or earlier when a secret straddles it, so no secret is cut in two. */
  #safeCut(at: number): number {
    let cut = at;
    for (let moved = true; moved; ) {
      moved = false;
      for (const secret of this.#redact.secrets) {
        const i = this.#pending.indexOf(secret, Math.max(0, cut - secret.length + 1));
        if (i >= 0 && i < cut) {
          cut = i;
          moved = true;
        }
      }
    }
    return cut;
  }
}
