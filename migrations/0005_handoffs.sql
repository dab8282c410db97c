CREATE TABLE "handoff_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"handoff_id" uuid NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"by_organisation_id" uuid,
	"reason_code" text,
	"reason" text,
	"at" timestamp(6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "handoffs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referral_id" uuid NOT NULL,
	"type" text NOT NULL,
	"from_organisation_id" uuid NOT NULL,
	"to_organisation_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"due_by" date,
	"status" text NOT NULL,
	"status_reason_code" text,
	"status_reason" text,
	"housing_decision" text,
	"housing_valid_until" timestamp(6) with time zone,
	"housing_refusal_code" text,
	"housing_refusal_reason" text,
	"allocated_on" date,
	"allocated_municipality" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp(6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "consent_withdrawn_at" timestamp(6) with time zone;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "consent_withdrawn_recorded_by" text;--> statement-breakpoint
ALTER TABLE "outbox_events" ADD COLUMN "reason_code" text;--> statement-breakpoint
ALTER TABLE "handoff_history" ADD CONSTRAINT "handoff_history_handoff_id_handoffs_id_fk" FOREIGN KEY ("handoff_id") REFERENCES "public"."handoffs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoffs" ADD CONSTRAINT "handoffs_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoffs" ADD CONSTRAINT "handoffs_from_organisation_id_organisations_id_fk" FOREIGN KEY ("from_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoffs" ADD CONSTRAINT "handoffs_to_organisation_id_organisations_id_fk" FOREIGN KEY ("to_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "handoff_history_handoff_id_id_index" ON "handoff_history" USING btree ("handoff_id","id");--> statement-breakpoint
CREATE INDEX "handoffs_referral_id_index" ON "handoffs" USING btree ("referral_id");--> statement-breakpoint
CREATE INDEX "handoffs_to_organisation_id_updated_at_id_index" ON "handoffs" USING btree ("to_organisation_id","updated_at","id");--> statement-breakpoint
CREATE INDEX "handoffs_from_organisation_id_updated_at_id_index" ON "handoffs" USING btree ("from_organisation_id","updated_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_events_handoff_once_idx" ON "outbox_events" USING btree ("type","handoff_id") WHERE type = 'housing_priority.expired';