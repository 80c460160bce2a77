ALTER TABLE "processed_updates" DROP CONSTRAINT "processed_updates_pkey";--> statement-breakpoint
ALTER TABLE "processed_updates" ADD COLUMN "bot_id" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "processed_updates" ADD COLUMN "lease_until" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "processed_updates" ADD COLUMN "done_at" timestamp with time zone;--> statement-breakpoint
-- Claims made before leases existed were taken when their update was handled.
UPDATE "processed_updates" SET "done_at" = "processed_at";--> statement-breakpoint
ALTER TABLE "processed_updates" ADD CONSTRAINT "processed_updates_bot_id_update_id_pk" PRIMARY KEY("bot_id","update_id");
