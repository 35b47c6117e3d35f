-- AlterTable
ALTER TABLE "known_package" ADD COLUMN     "fiscal_composition" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "service_package" ADD COLUMN     "consent_at" TIMESTAMPTZ(3),
ADD COLUMN     "consent_by" TEXT,
ADD COLUMN     "consent_channel" TEXT,
ADD COLUMN     "consent_reference" TEXT,
ADD COLUMN     "consent_source" TEXT;

-- CreateTable
CREATE TABLE "billing_period" (
    "period" TEXT NOT NULL,
    "closed_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_by" TEXT NOT NULL,
    "totals" JSONB NOT NULL,

    CONSTRAINT "billing_period_pkey" PRIMARY KEY ("period")
);

-- CreateTable
CREATE TABLE "billing_line" (
    "id" UUID NOT NULL,
    "period" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "customer_id" UUID NOT NULL,
    "customer_code" TEXT,
    "service_id" UUID NOT NULL,
    "attachment_id" UUID NOT NULL,
    "package_id" UUID NOT NULL,
    "package_description" TEXT NOT NULL,
    "package_version" INTEGER,
    "integration_products" JSONB NOT NULL,
    "period_start" TEXT NOT NULL,
    "period_end" TEXT NOT NULL,
    "days" INTEGER NOT NULL,
    "days_in_period" INTEGER NOT NULL,
    "unit_price_cents" INTEGER NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "billable" BOOLEAN NOT NULL,
    "not_billable_reason" TEXT,
    "fiscal_items" JSONB NOT NULL,
    "consent" JSONB,
    "corrects_line_id" UUID,
    "corrects_period" TEXT,

    CONSTRAINT "billing_line_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "billing_line_period_customer_id_id_idx" ON "billing_line"("period", "customer_id", "id");

-- CreateIndex
CREATE INDEX "billing_line_corrects_period_idx" ON "billing_line"("corrects_period");
