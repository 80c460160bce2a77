ALTER TABLE "fal_webhook_events" DROP COLUMN "deliveries";--> statement-breakpoint
ALTER TABLE "fal_webhook_events" DROP COLUMN "last_received_at";