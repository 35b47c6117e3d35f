-- The close of a competência runs as a job (issue 14): requested (status `closing`), written
-- batch after batch of customers (each batch its own transaction, resumable after a restart from
-- `progress_customer_id`, with the totals so far), then `closed`. Its lines are published to the
-- bus from `billing_line` itself, in (customer, id) order, `published_*` recording how far.
-- Periods closed before this migration were closed in one go and their lines published through
-- the outbox: they stay `closed`, requested when they closed, lines published.

-- AlterTable
ALTER TABLE "billing_period" ADD COLUMN "status" TEXT NOT NULL DEFAULT 'closed',
ADD COLUMN "requested_at" TIMESTAMPTZ(3),
ADD COLUMN "progress_customer_id" UUID,
ADD COLUMN "published_customer_id" UUID,
ADD COLUMN "published_line_id" UUID,
ADD COLUMN "lines_published" BOOLEAN NOT NULL DEFAULT false,
ALTER COLUMN "closed_at" DROP NOT NULL;

UPDATE "billing_period" SET "requested_at" = "closed_at", "lines_published" = true;

ALTER TABLE "billing_period" ALTER COLUMN "requested_at" SET NOT NULL,
ALTER COLUMN "status" DROP DEFAULT;
