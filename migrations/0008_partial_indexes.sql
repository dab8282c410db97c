DROP INDEX "referrals_insz_blind_index_index";--> statement-breakpoint
DROP INDEX "referrals_programme_organisation_id_accepted_at_index";--> statement-breakpoint
CREATE INDEX "referrals_insz_blind_index_index" ON "referrals" USING btree ("insz_blind_index") WHERE "referrals"."insz_blind_index" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "referrals_programme_organisation_id_accepted_at_index" ON "referrals" USING btree ("programme_organisation_id","accepted_at") WHERE "referrals"."accepted_at" IS NOT NULL;