CREATE TABLE "assessments" (
	"referral_id" uuid NOT NULL,
	"phase" text NOT NULL,
	"assessed_on" date NOT NULL,
	"scores" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assessments_referral_id_phase_pk" PRIMARY KEY("referral_id","phase")
);
--> statement-breakpoint
CREATE TABLE "group_sessions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"referral_id" uuid NOT NULL,
	"attended_on" date NOT NULL,
	"topic" text,
	"created_at" timestamp(6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "assessments" ADD CONSTRAINT "assessments_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_sessions" ADD CONSTRAINT "group_sessions_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "group_sessions_referral_id_index" ON "group_sessions" USING btree ("referral_id");--> statement-breakpoint
CREATE INDEX "referrals_programme_organisation_id_accepted_at_index" ON "referrals" USING btree ("programme_organisation_id","accepted_at");