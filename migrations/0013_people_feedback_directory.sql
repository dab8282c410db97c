CREATE TABLE "workers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"work_phone" text,
	"work_email" text,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp(6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "outbox_events_handoff_once_idx";--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "accepted_handoff_types" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "contact_phone" text;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "contact_email" text;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "deactivated_at" timestamp(6) with time zone;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "assigned_worker_id" uuid;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "outcome_note" text;--> statement-breakpoint
ALTER TABLE "referral_history" ADD COLUMN "by_worker_id" uuid;--> statement-breakpoint
ALTER TABLE "referral_history" ADD COLUMN "kind" text DEFAULT 'status' NOT NULL;--> statement-breakpoint
ALTER TABLE "referral_history" ADD COLUMN "assigned_worker_id" uuid;--> statement-breakpoint
ALTER TABLE "outbox_events" ADD COLUMN "version" integer;--> statement-breakpoint
ALTER TABLE "outbox_events" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "access_log" ADD COLUMN "on_behalf_of_worker_id" uuid;--> statement-breakpoint
ALTER TABLE "handoff_history" ADD COLUMN "by_worker_id" uuid;--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "contact_worker_id" uuid;--> statement-breakpoint
ALTER TABLE "workers" ADD CONSTRAINT "workers_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "workers_organisation_id_name_index" ON "workers" USING btree ("organisation_id","name");--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_assigned_worker_id_workers_id_fk" FOREIGN KEY ("assigned_worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoffs" ADD CONSTRAINT "handoffs_contact_worker_id_workers_id_fk" FOREIGN KEY ("contact_worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_events_handoff_once_idx" ON "outbox_events" USING btree ("type","handoff_id") WHERE type IN ('housing_priority.expired', 'handoff.due_soon', 'handoff.overdue');--> statement-breakpoint
-- The free-text workers become the programme's people; free-text outcomes become notes beside a code.
INSERT INTO "workers" ("organisation_id", "name", "role")
  SELECT DISTINCT "programme_organisation_id", "assigned_worker", 'social_worker' FROM "referrals" WHERE "assigned_worker" IS NOT NULL;--> statement-breakpoint
UPDATE "referrals" r SET "assigned_worker_id" = w."id" FROM "workers" w
  WHERE w."organisation_id" = r."programme_organisation_id" AND w."name" = r."assigned_worker";--> statement-breakpoint
UPDATE "referrals" SET "outcome_note" = "outcome", "outcome" = CASE "status"
  WHEN 'completed' THEN 'guidance_completed'
  ELSE CASE "status_reason_code" WHEN 'unreachable' THEN 'not_reached' WHEN 'declined_by_mother' THEN 'declined'
    WHEN 'moved_away' THEN 'moved_away' ELSE 'stopped_early' END END
  WHERE "status" IN ('completed', 'failed');--> statement-breakpoint
-- What each organisation took until now, by its type (DEFAULT_HANDOFF_TYPES at the time of writing).
UPDATE "organisations" SET "accepted_handoff_types" = CASE "type"
  WHEN 'ocmw' THEN '{income_support,debt_mediation,social_work,other}'::text[]
  WHEN 'housing' THEN '{housing_priority,other}'::text[]
  WHEN 'child_family' THEN '{postnatal_followup,childcare,other}'::text[]
  WHEN 'social_work' THEN '{social_work,debt_mediation,mental_health,other}'::text[]
  WHEN 'hospital' THEN '{postnatal_followup,mental_health,other}'::text[]
  WHEN 'midwife' THEN '{postnatal_followup,other}'::text[]
  WHEN 'programme' THEN '{social_work,other}'::text[]
  WHEN 'other' THEN '{income_support,postnatal_followup,debt_mediation,childcare,mental_health,social_work,other}'::text[]
  ELSE '{}'::text[] END;--> statement-breakpoint
ALTER TABLE "referrals" DROP COLUMN "assigned_worker";--> statement-breakpoint
-- A deactivated programme routes nothing: processes read the programmes again when it is deactivated.
DROP TRIGGER organisations_programmes_changed ON organisations;--> statement-breakpoint
CREATE TRIGGER organisations_programmes_changed AFTER INSERT OR UPDATE OF type, service_area, deactivated_at OR DELETE ON organisations
  FOR EACH STATEMENT EXECUTE FUNCTION programmes_changed_notify();