CREATE TABLE "storage_deletions" (
	"prefix" text PRIMARY KEY NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "fal_status_url" text;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "fal_response_url" text;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "format" text NOT NULL;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "status_checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "generation_format" text;--> statement-breakpoint
CREATE INDEX "generations_in_flight_idx" ON "generations" USING btree ("user_id") WHERE "generations"."status" in ('pending', 'running');