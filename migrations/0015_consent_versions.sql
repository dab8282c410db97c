CREATE TABLE "consent_versions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"referral_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"kind" text NOT NULL,
	"given_at" timestamp(6) with time zone NOT NULL,
	"recorded_by" text NOT NULL,
	"method" text,
	"sharing_scope" jsonb NOT NULL,
	"document_reference" text,
	"by_organisation_id" uuid,
	"by_client_id" uuid,
	"by_worker_id" uuid,
	"at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consent_versions_referralId_version_unique" UNIQUE("referral_id","version")
);
--> statement-breakpoint
ALTER TABLE "consent_versions" ADD CONSTRAINT "consent_versions_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- A consent withdrawn before versions were kept: its first version and its withdrawal.
INSERT INTO "consent_versions" ("referral_id", "version", "kind", "given_at", "recorded_by", "method", "sharing_scope", "by_organisation_id", "at")
SELECT r."id", 1, 'given', (r."details"->'consent'->>'givenAt')::timestamptz, r."details"->'consent'->>'recordedBy',
  r."details"->'consent'->>'method', r."details"->'consent'->'sharingScope', r."referrer_organisation_id", r."created_at"
FROM "referrals" r WHERE r."consent_withdrawn_at" IS NOT NULL;
--> statement-breakpoint
INSERT INTO "consent_versions" ("referral_id", "version", "kind", "given_at", "recorded_by", "sharing_scope", "at")
SELECT r."id", 2, 'withdrawn', r."consent_withdrawn_at", coalesce(r."consent_withdrawn_recorded_by", 'unknown'), '[]'::jsonb, r."consent_withdrawn_at"
FROM "referrals" r WHERE r."consent_withdrawn_at" IS NOT NULL;
