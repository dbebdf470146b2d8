// A growable Float64Array (amortised doubling), for edge lists whose length is unknown while streaming.
export class Growable {
  private buf: Float64Array;
  length = 0;

  constructor(capacity = 1024) {
    this.buf = new Float64Array(capacity);
  }

  push(x: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = x;
  }

  /** A copy trimmed to the length. */
  toArray(): Float64Array {
    return this.buf.slice(0, this.length);
  }
}
