ALTER TABLE "avatars" ADD COLUMN "lora_storage_key" text;--> statement-breakpoint
ALTER TABLE "avatars" ADD COLUMN "lora_checked_at" timestamp with time zone;