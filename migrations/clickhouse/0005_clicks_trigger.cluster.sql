-- What brought each click: 'qr' when the short URL carried the QR code's marker (?trigger=qr),
-- else 'link'. Rows written before this column read as 'link'. The local table first, then the
-- Distributed table that reads it.
ALTER TABLE clicks_local ON CLUSTER $CLUSTER ADD COLUMN IF NOT EXISTS trigger LowCardinality(String) DEFAULT 'link';
ALTER TABLE clicks ON CLUSTER $CLUSTER ADD COLUMN IF NOT EXISTS trigger LowCardinality(String) DEFAULT 'link';
