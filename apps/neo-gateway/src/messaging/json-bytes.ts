const encoder = new TextEncoder();

/**
 * Writes a batch's JSON as UTF-8 straight into a reused byte buffer: ASCII text byte by byte,
 * anything that needs escaping or is not ASCII through `JSON.stringify` and the encoder. Building
 * one large string and encoding it costs several times more (the string is a rope of thousands of
 * pieces that must be flattened first).
 */
export class JsonBytes {
  #bytes: Uint8Array;
  #length = 0;

  constructor(initialBytes = 256 * 1024) {
    this.#bytes = new Uint8Array(initialBytes);
  }

  reset(): void {
    this.#length = 0;
  }

  /** Text known to be plain ASCII needing no escape (the batch's own punctuation and keys). */
  raw(text: string): void {
    this.#room(text.length);
    const bytes = this.#bytes;
    let at = this.#length;
    for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
    this.#length = at;
  }

  /** `value` as a JSON string. */
  string(value: string): void {
    this.#room(value.length + 2);
    const bytes = this.#bytes;
    let at = this.#length;
    bytes[at++] = 0x22;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) {
        this.#escaped(value);
        return;
      }
      bytes[at++] = code;
    }
    bytes[at++] = 0x22;
    this.#length = at;
  }

  /** A copy of what was written. */
  take(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }

  #escaped(value: string): void {
    const json = JSON.stringify(value);
    this.#room(json.length * 3);
    this.#length += encoder.encodeInto(json, this.#bytes.subarray(this.#length)).written;
  }

  #room(more: number): void {
    if (this.#length + more <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length + more));
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }
}
