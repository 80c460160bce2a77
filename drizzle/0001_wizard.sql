ALTER TABLE "avatar_photos" ADD COLUMN "telegram_file_id" text;--> statement-breakpoint
ALTER TABLE "avatars" ADD COLUMN "training_preset" text;