-- Raw click events. One row per counted redirect; the raw IP is never stored (visitor_hash is
-- hash(ip, ua, day, secret salt)). Ordered for the per-owner and per-link reads.
CREATE TABLE IF NOT EXISTS clicks (
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
) ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (owner_id, link_id, ts)
-- A batch replayed from the spill file carries the token of its first attempt: keep enough
-- recent tokens that a replay of an insert that did succeed is dropped.
SETTINGS non_replicated_deduplication_window = 10000;
