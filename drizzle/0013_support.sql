CREATE TABLE "support_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" bigint,
	"chat_id" bigint NOT NULL,
	"update_id" bigint NOT NULL,
	"text" text NOT NULL,
	"forwarded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "support_messages_update_id_unique" UNIQUE("update_id")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "prompt_price_agreed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "support_messages" ADD CONSTRAINT "support_messages_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;