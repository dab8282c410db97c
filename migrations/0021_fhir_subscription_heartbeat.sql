ALTER TABLE "webhook_endpoints" ADD COLUMN "heartbeat_seconds" integer;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "heartbeat_at" timestamp(6) with time zone;--> statement-breakpoint
CREATE INDEX "webhook_endpoints_heartbeat_idx" ON "webhook_endpoints" USING btree ("id") WHERE heartbeat_seconds IS NOT NULL;