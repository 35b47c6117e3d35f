-- AlterTable
ALTER TABLE "customer" ADD COLUMN     "standing_changed_at" TIMESTAMPTZ(3),
ADD COLUMN     "standing_reason" TEXT;

-- AlterTable
ALTER TABLE "entitlement" ADD COLUMN     "digest" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "service_package" ADD COLUMN     "from_plan" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "price_overridden" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "known_plan" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL,
    "lock_packages" BOOLEAN NOT NULL,
    "packages" JSONB NOT NULL,
    "version" INTEGER NOT NULL,

    CONSTRAINT "known_plan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "entitlement_refresh" (
    "customer_id" UUID NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "entitlement_refresh_pkey" PRIMARY KEY ("customer_id")
);

-- CreateTable
CREATE TABLE "trial_exclusion" (
    "attachment_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "service_id" UUID NOT NULL,
    "package_id" UUID NOT NULL,
    "integration_ids" UUID[],
    "trial_ended_at" TIMESTAMPTZ(3) NOT NULL,
    "queued_at" TIMESTAMPTZ(3) NOT NULL,
    "platform_closed_at" TIMESTAMPTZ(3),
    "removed_at" TIMESTAMPTZ(3),

    CONSTRAINT "trial_exclusion_pkey" PRIMARY KEY ("attachment_id")
);

-- CreateTable
CREATE TABLE "history_entry" (
    "id" BIGSERIAL NOT NULL,
    "customer_id" UUID NOT NULL,
    "service_id" UUID,
    "attachment_id" UUID,
    "package_id" UUID,
    "action" TEXT NOT NULL,
    "old_price_cents" INTEGER,
    "new_price_cents" INTEGER,
    "old_status" TEXT,
    "new_status" TEXT,
    "reason" TEXT,
    "actor" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "history_entry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_key" (
    "key" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status_code" INTEGER NOT NULL,
    "response" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_key_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "gateway_decision" (
    "id" BIGSERIAL NOT NULL,
    "integration_id" UUID NOT NULL,
    "subscriber_id" TEXT NOT NULL,
    "product" TEXT NOT NULL,
    "allowed" BOOLEAN NOT NULL,
    "reason" SMALLINT NOT NULL,
    "latency_micros" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "gateway_decision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "monthly_active_subscriber" (
    "month" TEXT NOT NULL,
    "integration_id" UUID NOT NULL,
    "product" TEXT NOT NULL,
    "subscriber_id" TEXT NOT NULL,

    CONSTRAINT "monthly_active_subscriber_pkey" PRIMARY KEY ("month","integration_id","product","subscriber_id")
);

-- CreateIndex
CREATE INDEX "entitlement_refresh_requested_at_idx" ON "entitlement_refresh"("requested_at");

-- CreateIndex
CREATE INDEX "trial_exclusion_removed_at_idx" ON "trial_exclusion"("removed_at");

-- CreateIndex
CREATE INDEX "trial_exclusion_customer_id_idx" ON "trial_exclusion"("customer_id");

-- CreateIndex
CREATE INDEX "history_entry_customer_id_id_idx" ON "history_entry"("customer_id", "id");

-- CreateIndex
CREATE INDEX "idempotency_key_created_at_idx" ON "idempotency_key"("created_at");

-- CreateIndex
CREATE INDEX "gateway_decision_subscriber_id_at_idx" ON "gateway_decision"("subscriber_id", "at");

-- CreateIndex
CREATE INDEX "service_package_trial_ends_at_idx" ON "service_package"("trial_ends_at");
