// The body every endpoint receives for an event, whatever its type: `{ id, event, timestamp, data }`.
export const payloadOf = (e: { id: string; type: string; createdAt: Date; data: unknown }) =>
  JSON.stringify({ id: e.id, event: e.type, timestamp: e.createdAt.toISOString(), data: e.data })
