ALTER TABLE "avatars" ADD COLUMN "status_checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "sent_message_id" bigint;--> statement-breakpoint
CREATE INDEX "fal_webhook_events_pending_idx" ON "fal_webhook_events" USING btree ("received_at") WHERE "fal_webhook_events"."applied_at" is null;