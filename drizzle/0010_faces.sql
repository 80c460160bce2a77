ALTER TABLE "avatar_photos" ADD COLUMN "face_descriptor" real[];--> statement-breakpoint
ALTER TABLE "avatar_photos" ADD COLUMN "face_status" text;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "likeness" real;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "likeness_status" text;