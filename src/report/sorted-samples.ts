/**
 * Numbers kept sorted for percentiles as they arrive: new values wait in a small list and are
 * merged in (one linear pass) the next time the sorted values are read, so a live view that adds a
 * few values between reads never sorts everything again.
 */
export class SortedSamples {
  private sorted = new Float64Array(0);
  private pending: number[] = [];

  add(value: number): void {
    this.pending.push(value);
  }

  get size(): number {
    return this.sorted.length + this.pending.length;
  }

  /** Every value, ascending. The array is owned by this object: read it, don't keep it across adds. */
  values(): Float64Array {
    if (this.pending.length === 0) return this.sorted;
    const incoming = Float64Array.from(this.pending).sort();
    this.pending = [];
    const old = this.sorted;
    if (old.length === 0) {
      this.sorted = incoming;
      return incoming;
    }
    const merged = new Float64Array(old.length + incoming.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < old.length && j < incoming.length) merged[k++] = old[i]! <= incoming[j]! ? old[i++]! : incoming[j++]!;
    while (i < old.length) merged[k++] = old[i++]!;
    while (j < incoming.length) merged[k++] = incoming[j++]!;
    this.sorted = merged;
    return merged;
  }
}
