-- Cluster variant of 0001: replicated local tables on every node, a Distributed table in front.
CREATE TABLE IF NOT EXISTS clicks_local ON CLUSTER $CLUSTER (
  event_id UUID,
  ts DateTime64(3, 'UTC'),
  owner_id String,
  link_id String,
  domain LowCardinality(String),
  country LowCardinality(String),
  city String,
  device LowCardinality(String),
  browser LowCardinality(String),
  os LowCardinality(String),
  referrer_host String,
  utm_source String,
  utm_medium String,
  utm_campaign String,
  is_bot UInt8,
  bot_reason LowCardinality(String),
  visitor_hash UInt64
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/clicks_local', '{replica}')
PARTITION BY toYYYYMM(ts)
ORDER BY (owner_id, link_id, ts);

-- Sharded by owner so that an owner's overview is answered by one shard's rollups.
CREATE TABLE IF NOT EXISTS clicks ON CLUSTER $CLUSTER AS clicks_local
ENGINE = Distributed($CLUSTER, $DATABASE, clicks_local, cityHash64(owner_id));
