CREATE TABLE "housing_decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"handoff_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"valid_through" date,
	"reason_code" text,
	"reason" text,
	"allocated_on" date,
	"municipality" text,
	"by_organisation_id" uuid,
	"by_client_id" uuid,
	"by_worker_id" uuid,
	"at" timestamp(6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "outbox_events_handoff_once_idx";--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "housing_decided_at" timestamp(6) with time zone;--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "housing_valid_through" date;--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "housing_reason_code" text;--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "housing_reason" text;--> statement-breakpoint
ALTER TABLE "housing_decisions" ADD CONSTRAINT "housing_decisions_handoff_id_handoffs_id_fk" FOREIGN KEY ("handoff_id") REFERENCES "public"."handoffs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "housing_decisions_handoff_id_id_index" ON "housing_decisions" USING btree ("handoff_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_events_handoff_once_idx" ON "outbox_events" USING btree ("type","handoff_id") WHERE type IN ('handoff.due_soon', 'handoff.overdue');--> statement-breakpoint
-- A priority held until an instant now holds through the Belgian day that instant ends; the
-- decision so far is the first of its history, by the housing company, when last changed.
UPDATE "handoffs" SET "housing_valid_through" = (("housing_valid_until" - interval '1 microsecond') AT TIME ZONE 'Europe/Brussels')::date,
  "housing_reason_code" = "housing_refusal_code", "housing_reason" = "housing_refusal_reason", "housing_decided_at" = "updated_at"
WHERE "housing_decision" IS NOT NULL;--> statement-breakpoint
INSERT INTO "housing_decisions" ("handoff_id", "decision", "valid_through", "reason_code", "reason", "allocated_on", "municipality", "by_organisation_id", "at")
SELECT "id", "housing_decision", "housing_valid_through", "housing_reason_code", "housing_reason", "allocated_on", "allocated_municipality", "to_organisation_id", "updated_at"
FROM "handoffs" WHERE "housing_decision" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "handoffs" DROP COLUMN "housing_valid_until";--> statement-breakpoint
ALTER TABLE "handoffs" DROP COLUMN "housing_refusal_code";--> statement-breakpoint
ALTER TABLE "handoffs" DROP COLUMN "housing_refusal_reason";