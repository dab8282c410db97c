-- Answers stored before they were sealed held an INSZ and free text in plain: dropped rather than
-- kept for their last hours. A retry of one of those requests meets the other guards instead
-- (409 for a used externalReference, 412 for a stale If-Match).
DELETE FROM "idempotency_keys" WHERE "response_body" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ALTER COLUMN "response_body" SET DATA TYPE bytea USING NULL;
