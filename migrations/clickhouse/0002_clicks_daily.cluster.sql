-- Cluster variant of 0002: the rollup is kept next to each shard's raw events.
CREATE TABLE IF NOT EXISTS clicks_daily_local ON CLUSTER $CLUSTER (
  owner_id String,
  day Date,
  is_bot UInt8,
  dim LowCardinality(String),
  value String,
  link_id String,
  clicks SimpleAggregateFunction(sum, UInt64),
  visitors AggregateFunction(uniq, UInt64)
) ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/clicks_daily_local', '{replica}')
PARTITION BY toYYYYMM(day)
ORDER BY (owner_id, dim, day, is_bot, value, link_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS clicks_daily_mv ON CLUSTER $CLUSTER TO clicks_daily_local AS
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
  FROM clicks_local
)
GROUP BY owner_id, day, is_bot, dim, value, link_id;

CREATE TABLE IF NOT EXISTS clicks_daily ON CLUSTER $CLUSTER AS clicks_daily_local
ENGINE = Distributed($CLUSTER, $DATABASE, clicks_daily_local, cityHash64(owner_id));
