CREATE TABLE "assessment_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"referral_id" uuid NOT NULL,
	"phase" text NOT NULL,
	"version" integer NOT NULL,
	"assessed_on" date NOT NULL,
	"scores" jsonb NOT NULL,
	"notes" jsonb NOT NULL,
	"referral_status" text NOT NULL,
	"by_organisation_id" uuid,
	"by_client_id" uuid,
	"by_worker_id" uuid,
	"at" timestamp(6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "screening_corrections" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"referral_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"field" text NOT NULL,
	"value" jsonb NOT NULL,
	"by_organisation_id" uuid,
	"by_client_id" uuid,
	"by_worker_id" uuid,
	"at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "screening_corrections_referralId_version_field_unique" UNIQUE("referral_id","version","field")
);
--> statement-breakpoint
ALTER TABLE "assessments" ADD COLUMN "notes" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "assessment_history" ADD CONSTRAINT "assessment_history_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "screening_corrections" ADD CONSTRAINT "screening_corrections_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assessment_history_referral_id_phase_id_index" ON "assessment_history" USING btree ("referral_id","phase","id");--> statement-breakpoint
CREATE INDEX "screening_corrections_referral_id_id_index" ON "screening_corrections" USING btree ("referral_id","id");--> statement-breakpoint
-- Each assessment saved so far is the first version in its history, by an unknown hand.
INSERT INTO "assessment_history" ("referral_id", "phase", "version", "assessed_on", "scores", "notes", "referral_status", "at")
SELECT a."referral_id", a."phase", a."version", a."assessed_on", a."scores", a."notes", r."status", a."updated_at"
FROM "assessments" a JOIN "referrals" r ON r."id" = a."referral_id";
