// A value built at its first use, once: for what is costly to build and often never needed.
// A build that throws is tried again at the next use.

export type Lazy<T> = { get(): T }

export function lazy<T>(build: () => T): Lazy<T> {
  let built: { value: T } | null = null
  return {
    get: () => (built ??= { value: build() }).value,
  }
}
