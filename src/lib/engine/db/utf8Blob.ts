// Text bound as UTF-8 bytes. sql.js encodes a bound string in a loop of JavaScript (twice: to measure,
// then to copy), while a blob is one copy; SQL that casts the blob back to TEXT (CAST(? AS TEXT))
// stores the same text. A record's JSON binds in half the time.
const UTF8 = new TextEncoder();

export class Utf8Blob {
  private buffer = new Uint8Array(4096);

  /** The text as bytes for the next bind (valid until the next call), or the text itself when empty. */
  of(text: string): Uint8Array | string {
    if (text.length * 3 > this.buffer.length) this.buffer = new Uint8Array(text.length * 3);
    const { written } = UTF8.encodeInto(text, this.buffer);
    // an empty blob would bind as NULL
    return written ? this.buffer.subarray(0, written) : text;
  }
}
