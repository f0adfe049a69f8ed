-- The daily rollup again, with two changes, refilled from the raw events:
--   * unique visitors as uniqCombined(14) states: small and fixed in size, exact for small counts
--     and within about 1 % beyond; merging them is ~10× faster than uniq's states (the 90-day
--     overview of 10M clicks read 244 ms of uniq states without OPTIMIZE, 26 ms of these);
--   * clicks as a signed sum, so that deleting a link can take its share out of the per-owner
--     rows (src/analytics/queries.ts inserts the negative counts, then deletes its raw events).
-- Cluster variant: the rollup is kept next to each shard's raw events, refilled shard by shard.
-- Applied at start, before this instance inserts; clicks another instance inserts meanwhile may
-- be missing from the rollup (not from the raw table).
DROP TABLE IF EXISTS clicks_daily ON CLUSTER $CLUSTER SYNC;
DROP TABLE IF EXISTS clicks_daily_mv ON CLUSTER $CLUSTER SYNC;
DROP TABLE IF EXISTS clicks_daily_local ON CLUSTER $CLUSTER SYNC;

CREATE TABLE clicks_daily_local ON CLUSTER $CLUSTER (
  owner_id String,
  day Date,
  is_bot UInt8,
  dim LowCardinality(String),
  value String,
  link_id String,
  clicks SimpleAggregateFunction(sum, Int64),
  visitors AggregateFunction(uniqCombined(14), UInt64)
) ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/clicks_daily_local_v3', '{replica}')
PARTITION BY toYYYYMM(day)
ORDER BY (owner_id, dim, day, is_bot, value, link_id);

CREATE MATERIALIZED VIEW clicks_daily_mv ON CLUSTER $CLUSTER TO clicks_daily_local AS
-- The inner query unrolls each click into its dimensions. It does not pass link_id on, so the
-- outer alias link_id cannot shadow the column it is computed from.
SELECT
  owner_id,
  day,
  is_bot,
  tupleElement(d, 1) AS dim,
  tupleElement(d, 2) AS value,
  tupleElement(d, 3) AS link_id,
  toInt64(count()) AS clicks,
  uniqCombinedStateIf(14)(visitor_hash, dim = 'all') AS visitors
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
  FROM clicks_local
)
GROUP BY owner_id, day, is_bot, dim, value, link_id;

CREATE TABLE clicks_daily ON CLUSTER $CLUSTER AS clicks_daily_local
ENGINE = Distributed($CLUSTER, $DATABASE, clicks_daily_local, cityHash64(owner_id));

-- Through the Distributed tables, so every shard's events are read and each row lands on its
-- owner's shard.
INSERT INTO clicks_daily
SELECT
  owner_id,
  day,
  is_bot,
  tupleElement(d, 1) AS dim,
  tupleElement(d, 2) AS value,
  tupleElement(d, 3) AS link_id,
  toInt64(count()) AS clicks,
  uniqCombinedStateIf(14)(visitor_hash, dim = 'all') AS visitors
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
