DROP INDEX "fal_webhook_events_pending_idx";--> statement-breakpoint
ALTER TABLE "generations" ALTER COLUMN "seed" SET DATA TYPE numeric(20, 0);--> statement-breakpoint
ALTER TABLE "avatars" ADD COLUMN "submit_key" text;--> statement-breakpoint
ALTER TABLE "avatars" ADD COLUMN "check_failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "avatars" ADD COLUMN "cancel_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "fal_webhook_events" ADD COLUMN "submit_key" text;--> statement-breakpoint
ALTER TABLE "fal_webhook_events" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "fal_webhook_events" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "fal_webhook_events" ADD COLUMN "failed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "submit_key" text;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "check_failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "fal_webhook_events_pending_idx" ON "fal_webhook_events" USING btree ("received_at") WHERE "fal_webhook_events"."applied_at" is null and "fal_webhook_events"."failed_at" is null;--> statement-breakpoint
ALTER TABLE "avatars" ADD CONSTRAINT "avatars_submit_key_unique" UNIQUE("submit_key");--> statement-breakpoint
ALTER TABLE "generations" ADD CONSTRAINT "generations_submit_key_unique" UNIQUE("submit_key");