-- Daily rollups for the overview: one row per (owner, day, bot flag, dimension, value). 'all'
-- carries the day's unique visitors (one small state per day, fast to merge), 'link' carries
-- link_id; the others are per owner only, which keeps the table small however many links.
CREATE TABLE IF NOT EXISTS clicks_daily (
  owner_id String,
  day Date,
  is_bot UInt8,
  dim LowCardinality(String),
  value String,
  link_id String,
  clicks SimpleAggregateFunction(sum, UInt64),
  visitors AggregateFunction(uniq, UInt64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (owner_id, dim, day, is_bot, value, link_id)
-- A replayed batch must not be added to the rollup twice either (see 0001).
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS clicks_daily_mv TO clicks_daily AS
-- The inner query unrolls each click into its dimensions. It does not pass link_id on, so the
-- outer alias link_id cannot shadow the column it is computed from.
SELECT
  owner_id,
  day,
  is_bot,
  tupleElement(d, 1) AS dim,
  tupleElement(d, 2) AS value,
  tupleElement(d, 3) AS link_id,
  toUInt64(count()) AS clicks,
  uniqStateIf(visitor_hash, dim = 'all') AS visitors
FROM (
  SELECT owner_id, toDate(ts) AS day, is_bot, visitor_hash, arrayJoin([
    ('all', '', ''),
    ('link', '', link_id),
    ('country', toString(country), ''),
    ('city', city, ''),
    ('device', toString(device), ''),
    ('browser', toString(browser), ''),
    ('os', toString(os), ''),
    ('referrer', referrer_host, '')
  ]) AS d
  FROM clicks
)
GROUP BY owner_id, day, is_bot, dim, value, link_id;
