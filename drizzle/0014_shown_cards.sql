CREATE TABLE "shown_cards" (
	"chat_id" bigint NOT NULL,
	"message_id" bigint NOT NULL,
	"avatar_id" uuid NOT NULL,
	"shown_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shown_cards_chat_id_message_id_pk" PRIMARY KEY("chat_id","message_id")
);
--> statement-breakpoint
ALTER TABLE "shown_cards" ADD CONSTRAINT "shown_cards_avatar_id_avatars_id_fk" FOREIGN KEY ("avatar_id") REFERENCES "public"."avatars"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "shown_cards_avatar_idx" ON "shown_cards" USING btree ("avatar_id");