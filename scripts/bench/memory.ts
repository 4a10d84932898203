// Peak memory while a step runs, in node: sampled every 20 ms (the engine yields between chunks, so
// the timer gets its turn) and at every progress callback.
export class PeakMemory {
  private heap = 0;
  private rss = 0;
  private timer: ReturnType<typeof setInterval>;
  constructor() {
    (globalThis as { gc?: () => void }).gc?.();
    this.sample();
    this.timer = setInterval(() => this.sample(), 20);
  }
  sample = (): void => {
    const m = process.memoryUsage();
    this.heap = Math.max(this.heap, m.heapUsed);
    this.rss = Math.max(this.rss, m.rss);
  };
  stop(): { peakHeapMb: number; peakRssMb: number } {
    clearInterval(this.timer);
    this.sample();
    return { peakHeapMb: this.heap / 1e6, peakRssMb: this.rss / 1e6 };
  }
}
