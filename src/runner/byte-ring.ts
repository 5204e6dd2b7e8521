/** Keeps the last `capacity` bytes pushed into it, in constant memory. */
export class ByteRing {
  readonly #buf: Buffer;
  #start = 0;
  #length = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.#buf = Buffer.alloc(capacity);
  }

  get length(): number {
    return this.#length;
  }

  push(chunk: Buffer): void {
    const cap = this.#buf.length;
    if (chunk.length >= cap) {
      chunk.copy(this.#buf, 0, chunk.length - cap);
      this.#start = 0;
      this.#length = cap;
      return;
    }
    const end = (this.#start + this.#length) % cap;
    const first = Math.min(chunk.length, cap - end);
    chunk.copy(this.#buf, end, 0, first);
    chunk.copy(this.#buf, 0, first);
    const overflow = Math.max(0, this.#length + chunk.length - cap);
    this.#length = Math.min(cap, this.#length + chunk.length);
    this.#start = (this.#start + overflow) % cap;
  }

  contents(): Buffer {
    const first = this.#buf.subarray(
      this.#start,
      Math.min(this.#buf.length, this.#start + this.#length),
    );
    const rest = this.#buf.subarray(0, this.#length - first.length);
    return Buffer.concat([first, rest]);
  }

  text(): string {
    return this.contents().toString("utf8");
  }
}

/** The last non-blank line of some output, shortened for a one-line reason. */
export function lastLine(text: string, max = 300): string {
  const lines = text.split(/\r?\n|\r/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]?.trim();
    if (line) return line.length > max ? `…${line.slice(-max)}` : line;
  }
  return "";
}
