CREATE TABLE "prompt_rewrites" (
	"key" text PRIMARY KEY NOT NULL,
	"verdict" text NOT NULL,
	"prompt" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "english_prompt" text;