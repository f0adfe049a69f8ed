-- What brought each click: 'qr' when the short URL carried the QR code's marker (?trigger=qr),
-- else 'link'. Rows written before this column read as 'link'.
ALTER TABLE clicks ADD COLUMN IF NOT EXISTS trigger LowCardinality(String) DEFAULT 'link';
