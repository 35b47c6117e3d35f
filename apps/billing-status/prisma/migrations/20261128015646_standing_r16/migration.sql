-- AlterTable
-- Rows that exist already get the migration time, and the default is dropped below.
ALTER TABLE "customer_standing" ADD COLUMN     "overdue_invoice_id" TEXT,
ADD COLUMN     "overdue_since" DATE,
ADD COLUMN     "trust_unblock_id" UUID,
ADD COLUMN     "trust_until" TIMESTAMPTZ(3),
ADD COLUMN     "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "invoice" ADD COLUMN     "cancelled_at" TIMESTAMPTZ(3),
ADD COLUMN     "due_date_set_at" TIMESTAMPTZ(3),
ADD COLUMN     "issued_at" TIMESTAMPTZ(3),
ADD COLUMN     "paid_at" TIMESTAMPTZ(3),
ALTER COLUMN "amount_cents" DROP NOT NULL,
ALTER COLUMN "amount_cents" SET DATA TYPE BIGINT,
ALTER COLUMN "due_date" DROP NOT NULL;

ALTER TABLE "customer_standing" ALTER COLUMN "updated_at" DROP DEFAULT;

-- Invoices written before facts were kept one by one: their last update stands for each fact.
UPDATE "invoice" SET "issued_at" = "updated_at", "due_date_set_at" = "updated_at";
UPDATE "invoice" SET "paid_at" = "updated_at" WHERE "status" = 'paid';
UPDATE "invoice" SET "cancelled_at" = "updated_at" WHERE "status" = 'cancelled';

-- CreateTable
CREATE TABLE "invoice_fact" (
    "invoice_id" TEXT NOT NULL,
    "fact" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "payload" JSONB NOT NULL,
    "source" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "invoice_fact_pkey" PRIMARY KEY ("invoice_id","fact","occurred_at")
);

-- CreateTable
CREATE TABLE "trust_unblock" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "days" INTEGER NOT NULL,
    "granted_at" TIMESTAMPTZ(3) NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,
    "note" TEXT,
    "invoice_id" TEXT,
    "ended_at" TIMESTAMPTZ(3),
    "end_reason" TEXT,

    CONSTRAINT "trust_unblock_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "billing_settings" (
    "id" INTEGER NOT NULL,
    "grace_days" INTEGER NOT NULL,
    "max_trust_unblock_days" INTEGER NOT NULL,
    "daily_evaluation_time" TEXT NOT NULL,
    "time_zone" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "billing_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "daily_evaluation" (
    "day" DATE NOT NULL,
    "trigger" TEXT NOT NULL,
    "runner" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "candidates" INTEGER,
    "changed" INTEGER,
    "batches" INTEGER,
    "duration_ms" INTEGER,
    "candidates_ms" INTEGER,

    CONSTRAINT "daily_evaluation_pkey" PRIMARY KEY ("day")
);

-- CreateIndex
CREATE INDEX "trust_unblock_customer_id_granted_at_idx" ON "trust_unblock"("customer_id", "granted_at");

-- CreateIndex
CREATE INDEX "customer_standing_standing_idx" ON "customer_standing"("standing");

-- CreateIndex
CREATE INDEX "customer_standing_trust_until_idx" ON "customer_standing"("trust_until");

-- AddForeignKey
ALTER TABLE "invoice_fact" ADD CONSTRAINT "invoice_fact_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
