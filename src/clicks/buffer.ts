// The bounded in-memory buffer between the redirect handler and the flusher. push() is O(1) and
// never does I/O: at the bound the whole buffer is handed off (to be spilled) instead of growing.
export class ClickBuffer<T> {
  private items: T[] = []

  constructor(
    private readonly opts: {
      batchMax: number
      bufferMax: number
      /** Called (synchronously) when a full batch waits: schedule a flush. */
      onBatchReady(): void
      /** Called with the detached contents when the bound is reached. */
      onOverflow(clicks: T[]): void
    },
  ) {}

  get size() {
    return this.items.length
  }

  /** The oldest click still buffered. */
  oldest(): T | undefined {
    return this.items[0]
  }

  push(click: T) {
    const n = this.items.push(click)
    if (n === this.opts.batchMax) this.opts.onBatchReady()
    if (n >= this.opts.bufferMax) {
      const full = this.items
      this.items = []
      this.opts.onOverflow(full)
    }
  }

  /** Takes up to `max` of the oldest clicks. */
  take(max: number): T[] {
    if (this.items.length <= max) {
      const all = this.items
      this.items = []
      return all
    }
    return this.items.splice(0, max)
  }
}
