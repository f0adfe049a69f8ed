-- Smart links: the A/B test's variant of each click, and the two UTM values not kept before.
-- Rows inserted earlier read '' for them.
ALTER TABLE clicks ADD COLUMN IF NOT EXISTS utm_term String DEFAULT '';
ALTER TABLE clicks ADD COLUMN IF NOT EXISTS utm_content String DEFAULT '';
ALTER TABLE clicks ADD COLUMN IF NOT EXISTS variant LowCardinality(String) DEFAULT '';
