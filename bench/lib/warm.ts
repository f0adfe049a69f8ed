// Warms a cache tier by requesting every slug once, and counts answers that were not redirects.
import { slugOf } from './dataset'

export async function warm(url: string, count: number, concurrency = 32): Promise<{ ms: number; non3xx: number }> {
  const started = performance.now()
  let next = 1
  let non3xx = 0
  const worker = async () => {
    while (next <= count) {
      const res = await fetch(`${url}/${slugOf(next++)}`, { redirect: 'manual' })
      await res.arrayBuffer()
      if (res.status < 300 || res.status > 399) non3xx++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { ms: performance.now() - started, non3xx }
}
