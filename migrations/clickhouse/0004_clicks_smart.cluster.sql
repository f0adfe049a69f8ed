-- Cluster variant of 0004: the local tables first, then the Distributed table in front of them.
ALTER TABLE clicks_local ON CLUSTER $CLUSTER ADD COLUMN IF NOT EXISTS utm_term String DEFAULT '';
ALTER TABLE clicks_local ON CLUSTER $CLUSTER ADD COLUMN IF NOT EXISTS utm_content String DEFAULT '';
ALTER TABLE clicks_local ON CLUSTER $CLUSTER ADD COLUMN IF NOT EXISTS variant LowCardinality(String) DEFAULT '';
ALTER TABLE clicks ON CLUSTER $CLUSTER ADD COLUMN IF NOT EXISTS utm_term String DEFAULT '';
ALTER TABLE clicks ON CLUSTER $CLUSTER ADD COLUMN IF NOT EXISTS utm_content String DEFAULT '';
ALTER TABLE clicks ON CLUSTER $CLUSTER ADD COLUMN IF NOT EXISTS variant LowCardinality(String) DEFAULT '';
