// Ports for servers a test starts. A random number is not enough: on a busy machine it may be
// taken (the ephemeral range, where every outgoing connection's local port comes from, overlaps
// any range a test would pick), and the server then fails to start. The kernel knows a free one.

/** A port free on 127.0.0.1 at the time of asking: the kernel's pick for a listener on port 0. */
export function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = s.port!
  s.stop(true)
  return port
}
