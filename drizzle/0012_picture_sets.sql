CREATE TABLE "picture_sets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" bigint NOT NULL,
	"avatar_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"theme_id" text,
	"dedupe_key" text NOT NULL,
	"total" integer NOT NULL,
	"price" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"progress_message_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "picture_sets_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "shoot_themes" (
	"id" text PRIMARY KEY NOT NULL,
	"emoji" text NOT NULL,
	"title_ru" text NOT NULL,
	"title_en" text NOT NULL,
	"avatar_types" jsonb NOT NULL,
	"prompts" jsonb NOT NULL,
	"listed" boolean DEFAULT true NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"position" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "avatar_photos" ADD COLUMN "face_size" real;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "set_id" uuid;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "set_position" integer;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "reference_url" text;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "submitted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "vote" integer;--> statement-breakpoint
ALTER TABLE "picture_sets" ADD CONSTRAINT "picture_sets_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "picture_sets" ADD CONSTRAINT "picture_sets_avatar_id_avatars_id_fk" FOREIGN KEY ("avatar_id") REFERENCES "public"."avatars"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "picture_sets_user_idx" ON "picture_sets" USING btree ("user_id","created_at");--> statement-breakpoint
ALTER TABLE "generations" ADD CONSTRAINT "generations_set_id_picture_sets_id_fk" FOREIGN KEY ("set_id") REFERENCES "public"."picture_sets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "generations_set_idx" ON "generations" USING btree ("set_id","set_position");