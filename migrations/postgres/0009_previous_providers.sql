CREATE TYPE "public"."previous_provider" AS ENUM('bitly', 'yourls', 'shlink', 'kutt');--> statement-breakpoint
CREATE TABLE "previous_providers" (
	"domain_id" text PRIMARY KEY NOT NULL,
	"provider" "previous_provider" NOT NULL,
	"api_url" text NOT NULL,
	"token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "previous_providers" ADD CONSTRAINT "previous_providers_domain_id_domains_id_fk" FOREIGN KEY ("domain_id") REFERENCES "public"."domains"("id") ON DELETE cascade ON UPDATE no action;