-- Group sessions become their own resource: one session, many mothers. The one-row-per-mother
-- records are carried over as sessions per programme, day, track and topic (theme "other").
ALTER TABLE "group_sessions" RENAME TO "legacy_group_sessions";--> statement-breakpoint
ALTER TABLE "legacy_group_sessions" RENAME CONSTRAINT "group_sessions_pkey" TO "legacy_group_sessions_pkey";--> statement-breakpoint
ALTER TABLE "legacy_group_sessions" DROP CONSTRAINT "group_sessions_referral_id_referrals_id_fk";--> statement-breakpoint
DROP INDEX "group_sessions_referral_id_index";--> statement-breakpoint
CREATE TABLE "group_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"programme_organisation_id" uuid NOT NULL,
	"held_on" date NOT NULL,
	"theme" text NOT NULL,
	"track" text NOT NULL,
	"place" text,
	"title" text,
	"facilitator_worker_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"deleted_at" timestamp(6) with time zone,
	"created_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp(6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "group_session_attendance" (
	"session_id" uuid NOT NULL,
	"referral_id" uuid NOT NULL,
	CONSTRAINT "group_session_attendance_session_id_referral_id_pk" PRIMARY KEY("session_id","referral_id")
);
--> statement-breakpoint
CREATE TABLE "group_session_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"change" text NOT NULL,
	"held_on" date NOT NULL,
	"theme" text NOT NULL,
	"track" text NOT NULL,
	"place" text,
	"title" text,
	"facilitator_worker_id" uuid,
	"referral_ids" uuid[] NOT NULL,
	"by_organisation_id" uuid,
	"by_client_id" uuid,
	"by_worker_id" uuid,
	"at" timestamp(6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "group_session_attendance" ADD CONSTRAINT "group_session_attendance_session_id_group_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."group_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_session_attendance" ADD CONSTRAINT "group_session_attendance_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_session_history" ADD CONSTRAINT "group_session_history_session_id_group_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."group_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "group_session_attendance_referral_id_index" ON "group_session_attendance" USING btree ("referral_id");--> statement-breakpoint
CREATE INDEX "group_session_history_session_id_id_index" ON "group_session_history" USING btree ("session_id","id");--> statement-breakpoint
ALTER TABLE "group_sessions" ADD CONSTRAINT "group_sessions_programme_organisation_id_organisations_id_fk" FOREIGN KEY ("programme_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_sessions" ADD CONSTRAINT "group_sessions_facilitator_worker_id_workers_id_fk" FOREIGN KEY ("facilitator_worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "group_sessions_programme_organisation_id_held_on_id_index" ON "group_sessions" USING btree ("programme_organisation_id","held_on","id");--> statement-breakpoint
INSERT INTO "group_sessions" ("programme_organisation_id", "held_on", "theme", "track", "title", "created_at", "updated_at")
SELECT r."programme_organisation_id", g."attended_on", 'other', coalesce(r."track", 'opkomst'), g."topic", min(g."created_at"), min(g."created_at")
FROM "legacy_group_sessions" g JOIN "referrals" r ON r."id" = g."referral_id"
GROUP BY r."programme_organisation_id", g."attended_on", coalesce(r."track", 'opkomst'), g."topic";--> statement-breakpoint
INSERT INTO "group_session_attendance" ("session_id", "referral_id")
SELECT DISTINCT s."id", g."referral_id"
FROM "legacy_group_sessions" g JOIN "referrals" r ON r."id" = g."referral_id"
JOIN "group_sessions" s ON s."programme_organisation_id" = r."programme_organisation_id" AND s."held_on" = g."attended_on"
  AND s."track" = coalesce(r."track", 'opkomst') AND s."title" IS NOT DISTINCT FROM g."topic";--> statement-breakpoint
INSERT INTO "group_session_history" ("session_id", "version", "change", "held_on", "theme", "track", "title", "referral_ids", "at")
SELECT s."id", 1, 'recorded', s."held_on", s."theme", s."track", s."title",
  coalesce((SELECT array_agg(a."referral_id" ORDER BY a."referral_id") FROM "group_session_attendance" a WHERE a."session_id" = s."id"), '{}'), s."created_at"
FROM "group_sessions" s;--> statement-breakpoint
DROP TABLE "legacy_group_sessions";
