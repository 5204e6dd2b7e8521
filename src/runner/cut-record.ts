/** Bytes of an oversized record kept verbatim in its cut form. */
export const CUT_HEAD_BYTES = 4 * 1024;
/** A top-level field whose JSON is at most this long survives a cut. */
export const SMALL_FIELD_BYTES = 1024;
/** Nesting deeper than this in an oversized record is refused rather than tracked. */
const MAX_DEPTH = 4096;

/** Where the scanner is in the record; `Text` is inside a string value. */
const Mode = {
  Start: 0,
  KeyOrEnd: 1,
  KeyNext: 2,
  Key: 3,
  Colon: 4,
  Value: 5,
  Text: 6,
  Nested: 7,
  Scalar: 8,
  AfterValue: 9,
  Done: 10,
} as const;
type Mode = (typeof Mode)[keyof typeof Mode];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
const isScalarByte = (b: number) =>
  (b >= 0x30 && b <= 0x39) ||
  (b >= 0x61 && b <= 0x7a) ||
  b === 0x2d ||
  b === 0x2b ||
  b === 0x2e ||
  b === 0x45;

/**
 * Reads one JSON record too large to hold, a chunk at a time, keeping only its top-level fields
 * that are small (task_id, score, token counts…) and the first bytes of the line. It checks the
 * top-level shape and that brackets and strings close; deeper content is not validated.
 */
export class RecordScanner {
  readonly fields = new Map<string, unknown>();
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private mode: Mode = Mode.Start;
  private error: string | undefined;
  private inString = false;
  private escaped = false;
  private readonly stack: number[] = [];
  /** Raw bytes of the key or value being read, while they stay small. */
  private raw: number[] = [];
  private rawOverflow = false;
  private key: string | undefined;

  feed(bytes: Buffer): void {
    if (this.headBytes < CUT_HEAD_BYTES) {
      const piece = bytes.subarray(0, CUT_HEAD_BYTES - this.headBytes);
      this.head.push(Buffer.from(piece));
      this.headBytes += piece.length;
    }
    for (let i = 0; i < bytes.length && this.error === undefined; i++) this.step(bytes[i] ?? 0);
  }

  /** The record's small fields, or why it is not a JSON object. */
  finish(): { ok: true; fields: Map<string, unknown> } | { ok: false; error: string } {
    if (this.mode === Mode.Scalar) this.endScalar();
    if (this.error === undefined && this.mode !== Mode.Done)
      this.error = this.mode === Mode.Start ? "it holds no JSON object" : "the record ends early";
    return this.error === undefined
      ? { ok: true, fields: this.fields }
      : { ok: false, error: this.error };
  }

  /** The first CUT_HEAD_BYTES of the line, cut at a character boundary. */
  headText(): string {
    const bytes = Buffer.concat(this.head);
    return bytes.subarray(0, completeUtf8(bytes)).toString("utf8");
  }

  private step(b: number): void {
    switch (this.mode) {
      case Mode.Start:
        if (b === 0x7b) this.mode = Mode.KeyOrEnd;
        else if (!isSpace(b)) this.fail("it is not a JSON object");
        return;
      case Mode.KeyOrEnd:
      case Mode.KeyNext:
        if (b === QUOTE) this.begin(Mode.Key, b);
        else if (b === 0x7d && this.mode === Mode.KeyOrEnd) this.mode = Mode.Done;
        else if (!isSpace(b)) this.fail("a key is missing");
        return;
      case Mode.Key:
      case Mode.Text:
        this.keep(b);
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) this.mode === Mode.Key ? this.endKey() : this.endValue();
        return;
      case Mode.Colon:
        if (b === 0x3a) this.mode = Mode.Value;
        else if (!isSpace(b)) this.fail("a ':' is missing after a key");
        return;
      case Mode.Value:
        this.startValue(b);
        return;
      case Mode.Nested:
        this.nested(b);
        return;
      case Mode.Scalar:
        if (isScalarByte(b)) this.keep(b);
        else {
          this.endScalar();
          this.step(b);
        }
        return;
      case Mode.AfterValue:
        if (b === 0x2c) this.mode = Mode.KeyNext;
        else if (b === 0x7d) this.mode = Mode.Done;
        else if (!isSpace(b)) this.fail("a ',' or '}' is missing after a value");
        return;
      case Mode.Done:
        if (!isSpace(b)) this.fail("there is more after the record's closing '}'");
        return;
    }
  }

  private startValue(b: number): void {
    if (isSpace(b)) return;
    if (b === QUOTE) this.begin(Mode.Text, b);
    else if (b === 0x7b || b === 0x5b) {
      this.begin(Mode.Nested, b);
      this.stack.push(b + 2); // the closing byte: '}' or ']'
    } else if (isScalarByte(b)) this.begin(Mode.Scalar, b);
    else this.fail(`a value cannot start with '${String.fromCharCode(b)}'`);
  }

  private nested(b: number): void {
    this.keep(b);
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (b === BACKSLASH) this.escaped = true;
      else if (b === QUOTE) this.inString = false;
    } else if (b === QUOTE) this.inString = true;
    else if (b === 0x7b || b === 0x5b) {
      if (this.stack.length < MAX_DEPTH) this.stack.push(b + 2);
      else this.fail(`it nests deeper than ${MAX_DEPTH}`);
    } else if (b === 0x7d || b === 0x5d) {
      if (this.stack.pop() !== b) this.fail("its brackets do not match");
      else if (this.stack.length === 0) this.endValue();
    }
  }

  private begin(mode: Mode, b: number): void {
    this.mode = mode;
    this.raw = [b];
    this.rawOverflow = false;
  }

  private keep(b: number): void {
    if (this.rawOverflow) return;
    if (this.raw.length >= SMALL_FIELD_BYTES) {
      this.rawOverflow = true;
      this.raw = [];
    } else this.raw.push(b);
  }

  private endKey(): void {
    this.key = this.rawOverflow ? undefined : (this.parseRaw() as string | undefined);
    this.mode = this.error === undefined ? Mode.Colon : this.mode;
  }

  private endScalar(): void {
    this.endValue();
    if (this.rawOverflow) this.fail("a number or literal is too long");
  }

  private endValue(): void {
    if (!this.rawOverflow && this.key !== undefined) {
      const value = this.parseRaw();
      if (this.error === undefined) this.fields.set(this.key, value);
    }
    this.mode = Mode.AfterValue;
  }

  private parseRaw(): unknown {
    try {
      return JSON.parse(Buffer.from(this.raw).toString("utf8"));
    } catch (e) {
      this.fail((e as Error).message);
      return undefined;
    }
  }

  private fail(error: string): void {
    this.error ??= error;
  }
}

/** The length of the longest prefix that does not end inside a UTF-8 character. */
function completeUtf8(bytes: Buffer): number {
  let lead = bytes.length - 1;
  while (lead > 0 && bytes.length - lead < 4 && ((bytes[lead] ?? 0) & 0xc0) === 0x80) lead--;
  const b = bytes[lead] ?? 0;
  const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return lead + size > bytes.length ? lead : bytes.length;
}

/**
 * The cut form of an oversized record: its small top-level fields, then a `truncated` object
 * with the original length in bytes and the start of the line, so a reader knows what it lost.
 */
export function cutRecord(fields: Map<string, unknown>, bytes: number, head: string): string {
  const kept = Object.fromEntries([...fields].filter(([key]) => key !== "truncated"));
  return JSON.stringify({ ...kept, truncated: { bytes, head } });
}
