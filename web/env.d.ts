declare module '*.css'

// The server's modules are type-checked here too (the API client's types come from them) with the
// DOM's lib, whose Worker lacks what Bun's has and the server uses.
interface Worker {
  ref(): void
  unref(): void
}
