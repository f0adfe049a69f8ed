// The billing period, a pure rule shared by the API, the jobs and the click worker.

export type Period = { start: string; startDate: Date; endDate: Date }

/** The billing period is the calendar month in UTC. */
export function currentPeriod(now: Date): Period {
  const startDate = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))
  const endDate = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1))
  return { start: startDate.toISOString().slice(0, 10), startDate, endDate }
}
