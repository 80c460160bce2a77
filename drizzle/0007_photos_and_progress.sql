ALTER TABLE "avatar_photos" ADD COLUMN "fingerprint" text;--> statement-breakpoint
ALTER TABLE "avatar_photos" ADD COLUMN "thumbnail_key" text;--> statement-breakpoint
ALTER TABLE "avatars" ADD COLUMN "fal_progress" jsonb;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "progress_message_id" bigint;