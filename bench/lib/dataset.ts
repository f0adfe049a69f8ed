// The bench data set, derived from an index so that the seeder, the baseline, wrk and bench/load agree
// on every slug and target without shipping a slug file between them.

/** Seeded slugs: "bn" + 7 digits (9 characters, near the 7+ of generated slugs). */
export const slugOf = (i: number) => `bn${String(i).padStart(7, '0')}`
/** A typical marketing destination, ~50 characters. */
export const targetOf = (i: number) => `https://example.com/landing/${i}?utm_source=bench`
/** Slugs that are never seeded: "zz" + 7 digits. */
export const unknownSlugOf = (i: number) => `zz${String(i).padStart(7, '0')}`

/** The same rows as SQL, for one INSERT … SELECT over generate_series (must match the functions above). */
export const SEED_SQL = `
  INSERT INTO links (id, user_id, domain, slug, original_url)
  SELECT 'lnk_bench_' || lpad(i::text, 7, '0'), $1, '', 'bn' || lpad(i::text, 7, '0'),
         'https://example.com/landing/' || i || '?utm_source=bench'
  FROM generate_series(1, $2::int) AS i`

/** A fixed key in the documented format, so the bench never reads the bootstrap log. */
export const BENCH_ADMIN = {
  email: 'bench@kurz.local',
  password: 'bench-password-not-secret',
  apiKey: 'sk_live_BenchKeyNotSecret0123456789abcdef',
}
