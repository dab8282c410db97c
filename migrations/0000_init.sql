CREATE TABLE "organisations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"notification_email" text,
	"service_area" text[] DEFAULT '{}' NOT NULL,
	"created_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp(6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_clients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"key_prefix" text NOT NULL,
	"scopes" text[] NOT NULL,
	"last_used_at" timestamp(6) with time zone,
	"revoked_at" timestamp(6) with time zone,
	"created_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_clients_keyHash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"principal" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"response_status" integer,
	"response_headers" jsonb,
	"response_body" text,
	"created_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp(6) with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_principal_key_pk" PRIMARY KEY("principal","key")
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"referrer_organisation_id" uuid NOT NULL,
	"programme_organisation_id" uuid NOT NULL,
	"external_reference" text NOT NULL,
	"status" text NOT NULL,
	"status_before_hold" text,
	"status_reason_code" text,
	"status_reason" text,
	"redirect_suggestion" text,
	"version" integer DEFAULT 1 NOT NULL,
	"details" jsonb NOT NULL,
	"insz_ciphertext" text,
	"insz_blind_index" text,
	"possible_duplicate_of" uuid,
	"track" text,
	"assigned_worker" text,
	"first_contact_on" date,
	"outcome" text,
	"accepted_at" timestamp(6) with time zone,
	"created_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referrals_referrerOrganisationId_externalReference_unique" UNIQUE("referrer_organisation_id","external_reference")
);
--> statement-breakpoint
CREATE TABLE "referral_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"referral_id" uuid NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"by_organisation_id" uuid,
	"by_client_id" uuid,
	"reason_code" text,
	"reason" text,
	"at" timestamp(6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"type" text NOT NULL,
	"referral_id" uuid,
	"handoff_id" uuid,
	"status" text,
	"audience" uuid[] NOT NULL,
	"transaction_id" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"occurred_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	"relayed_at" timestamp(6) with time zone,
	CONSTRAINT "outbox_events_eventId_unique" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "access_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"organisation_id" uuid,
	"client_id" uuid,
	"referral_id" uuid NOT NULL,
	"action" text NOT NULL,
	"purpose" text NOT NULL,
	"request_id" text,
	"at" timestamp(6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_clients" ADD CONSTRAINT "api_clients_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referrer_organisation_id_organisations_id_fk" FOREIGN KEY ("referrer_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_programme_organisation_id_organisations_id_fk" FOREIGN KEY ("programme_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_history" ADD CONSTRAINT "referral_history_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_history" ADD CONSTRAINT "referral_history_by_organisation_id_organisations_id_fk" FOREIGN KEY ("by_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "organisations_type_index" ON "organisations" USING btree ("type");--> statement-breakpoint
CREATE INDEX "organisations_service_area_index" ON "organisations" USING gin ("service_area");--> statement-breakpoint
CREATE INDEX "api_clients_organisation_id_index" ON "api_clients" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "referrals_referrer_organisation_id_updated_at_id_index" ON "referrals" USING btree ("referrer_organisation_id","updated_at","id");--> statement-breakpoint
CREATE INDEX "referrals_programme_organisation_id_updated_at_id_index" ON "referrals" USING btree ("programme_organisation_id","updated_at","id");--> statement-breakpoint
CREATE INDEX "referrals_insz_blind_index_index" ON "referrals" USING btree ("insz_blind_index");--> statement-breakpoint
CREATE INDEX "referral_history_referral_id_id_index" ON "referral_history" USING btree ("referral_id","id");--> statement-breakpoint
CREATE INDEX "outbox_events_transaction_id_id_index" ON "outbox_events" USING btree ("transaction_id","id");--> statement-breakpoint
CREATE INDEX "outbox_events_unrelayed_idx" ON "outbox_events" USING btree ("id") WHERE relayed_at IS NULL;--> statement-breakpoint
CREATE INDEX "access_log_referral_id_id_index" ON "access_log" USING btree ("referral_id","id");