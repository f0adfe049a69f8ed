ALTER TABLE "domains" ADD COLUMN "expired_url" text;--> statement-breakpoint
ALTER TABLE "domains" ADD COLUMN "not_found_url" text;--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "password_hash" text;--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "max_clicks" integer;--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "uses" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "expired_url" text;--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "og" jsonb;