CREATE TABLE "link_counts" (
	"user_id" text PRIMARY KEY NOT NULL,
	"links" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
DROP INDEX "links_user_created_idx";--> statement-breakpoint
ALTER TABLE "link_counts" ADD CONSTRAINT "link_counts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "links_user_created_idx" ON "links" USING btree ("user_id","created_at","id");--> statement-breakpoint
-- link_counts follows every insert and delete on links, whatever the path (API, bulk, cascades):
-- one row per account touched, per statement. (A link never changes owner, so updates need none.)
CREATE FUNCTION link_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO link_counts (user_id, links)
    SELECT user_id, count(*) FROM added GROUP BY user_id
  ON CONFLICT (user_id) DO UPDATE SET links = link_counts.links + excluded.links;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION link_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE link_counts c SET links = c.links - r.n
    FROM (SELECT user_id, count(*) AS n FROM removed GROUP BY user_id) r
    WHERE c.user_id = r.user_id;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER links_count_insert AFTER INSERT ON links
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION link_counts_add();--> statement-breakpoint
CREATE TRIGGER links_count_delete AFTER DELETE ON links
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION link_counts_remove();--> statement-breakpoint
INSERT INTO link_counts (user_id, links) SELECT user_id, count(*) FROM links GROUP BY user_id;
