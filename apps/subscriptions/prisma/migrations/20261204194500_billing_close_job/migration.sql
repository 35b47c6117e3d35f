-- The close of a competência runs as a job (issue 14): requested (status `closing`), written
-- batch after batch of customers (each batch its own transaction, resumable after a restart from
-- `progress_customer_id`, with the totals so far), then `closed`. Periods closed before this
-- migration were closed in one go: they stay `closed`, requested when they closed.

-- AlterTable
ALTER TABLE "billing_period" ADD COLUMN "status" TEXT NOT NULL DEFAULT 'closed',
ADD COLUMN "requested_at" TIMESTAMPTZ(3),
ADD COLUMN "progress_customer_id" UUID,
ALTER COLUMN "closed_at" DROP NOT NULL;

UPDATE "billing_period" SET "requested_at" = "closed_at";

ALTER TABLE "billing_period" ALTER COLUMN "requested_at" SET NOT NULL,
ALTER COLUMN "status" DROP DEFAULT;
