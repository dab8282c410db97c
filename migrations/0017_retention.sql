ALTER TABLE "referrals" ADD COLUMN "pseudonymised_at" timestamp(6) with time zone;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "erasure_reason_code" text;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "mother_pseudonym" text;