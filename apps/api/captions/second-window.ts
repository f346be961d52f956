/** Counts events by kind within the current second; every count starts over as a new second begins. */
export class SecondWindow {
  private startedAt = Date.now();
  private readonly counts = new Map<string, number>();

  /** Counts one event of `kind`; returns how many there have been this second, this one included. */
  count(kind: string): number {
    const now = Date.now();
    if (now - this.startedAt >= 1000) {
      this.startedAt = now;
      this.counts.clear();
    }
    const count = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, count);
    return count;
  }
}
