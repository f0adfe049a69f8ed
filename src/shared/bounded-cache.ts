// A Map with a cap: past `max` entries the oldest one goes (first in, first out). For caches read
// on every request, where a hit must cost no more than a Map look-up (an LRU reorders on each hit).

export class BoundedCache<K, V> {
  private readonly map = new Map<K, V>()

  constructor(private readonly max: number) {
    if (!(max >= 1)) throw new Error('a bounded cache holds at least one entry')
  }

  get(key: K): V | undefined {
    return this.map.get(key)
  }

  /** Stores the value (evicting the oldest entry when full) and returns it. */
  set(key: K, value: V): V {
    if (this.map.size >= this.max && !this.map.has(key)) this.map.delete(this.map.keys().next().value as K)
    this.map.set(key, value)
    return value
  }

  get size(): number {
    return this.map.size
  }
}
