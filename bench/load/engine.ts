// The load generator's two ways of making load, and what it keeps of each request.

/** One part of a run (a scenario's kind of request): the latency of every answer, and the counts. */
export class Part {
  readonly ms: number[] = []
  failed = 0
  /** Requests the schedule asked for while `maxInFlight` were already waiting: never sent. */
  dropped = 0
  seconds = 0

  constructor(readonly name: string) {}

  record(ms: number, ok: boolean) {
    this.ms.push(ms)
    if (!ok) this.failed++
  }

  summary(): PartSummary {
    const sorted = Float64Array.from(this.ms).sort()
    const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN)
    const sum = sorted.reduce((n, x) => n + x, 0)
    return {
      requests: sorted.length, rate: this.seconds ? sorted.length / this.seconds : 0, failed: this.failed, dropped: this.dropped,
      avg: sorted.length ? sum / sorted.length : NaN, p50: at(0.5), p90: at(0.9), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? NaN,
    }
  }
}

/** Latencies in milliseconds, from sending a request to the last byte of its answer. */
export type PartSummary = {
  requests: number; rate: number; failed: number; dropped: number
  avg: number; p50: number; p90: number; p95: number; p99: number; max: number
}

/** A request that answers whether its response was the expected one; a thrown error is a failure. */
export type Send = (i: number) => Promise<boolean>

async function timed(part: Part, send: Send, i: number) {
  const t0 = performance.now()
  let ok = false
  try {
    ok = await send(i)
  } catch {
    ok = false
  }
  part.record(performance.now() - t0, ok)
}

/**
 * Open model: requests start on schedule, `rate` a second, whether or not earlier ones have
 * finished, so a slow server shows as latency (and as dropped requests once `maxInFlight` are
 * waiting) instead of quietly lowering the load, as a closed loop of clients would.
 */
export async function constantRate(part: Part, o: { rate: number; seconds: number; maxInFlight: number }, send: Send): Promise<void> {
  const total = Math.round(o.rate * o.seconds)
  let inFlight = 0
  let started = 0
  const t0 = performance.now()
  while (started < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * o.rate) + 1)
    for (; started < due; started++) {
      if (inFlight >= o.maxInFlight) {
        part.dropped++
        continue
      }
      inFlight++
      void timed(part, send, started).finally(() => inFlight--)
    }
    // At least a millisecond: a shorter sleep returns at once, and the loop would spin on the one
    // core that also reads the answers. Above 1,000/s requests leave in batches, once a millisecond.
    await Bun.sleep(Math.max(1, t0 + (started / o.rate) * 1000 - performance.now()))
  }
  while (inFlight > 0) await Bun.sleep(2)
  part.seconds = (performance.now() - t0) / 1000
}

/** Closed model: `clients` loops, each sending its next request when the last one is answered. */
export async function constantClients(part: Part, o: { clients: number; seconds: number }, send: (client: number, i: number) => Promise<boolean>): Promise<void> {
  const t0 = performance.now()
  const end = t0 + o.seconds * 1000
  await Promise.all(Array.from({ length: o.clients }, async (_, client) => {
    for (let i = 0; performance.now() < end; i++) await timed(part, (n) => send(client, n), i)
  }))
  part.seconds = (performance.now() - t0) / 1000
}
