// Every Postgres advisory lock Kurz takes, in one table, so that no two purposes share an id by
// accident. The values are arbitrary; they only have to be the same for every instance of Kurz.
export const ADVISORY_LOCKS = {
  /** Applying migrations at start: instances starting at once apply them one after the other. */
  migrations: 727_274_001,
  /**
   * Creating accounts, by the start-up bootstrap and by registration alike: whether an account is
   * the first of an empty installation (and so its admin) is decided one at a time.
   */
  accounts: 727_274_002,
  /** Writing the weekly reports: one run at a time, a concurrent one skips. */
  weeklyReports: 727_274_010,
} as const
