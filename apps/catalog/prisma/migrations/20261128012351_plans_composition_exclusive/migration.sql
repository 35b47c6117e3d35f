-- AlterTable
ALTER TABLE "integration" ADD COLUMN     "exclusive_packages" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "package_component" (
    "package_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "service_code" TEXT NOT NULL,
    "percent_basis_points" INTEGER,
    "amount_cents" INTEGER,

    CONSTRAINT "package_component_pkey" PRIMARY KEY ("package_id","position")
);

-- CreateTable
CREATE TABLE "plan" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "download_mbps" INTEGER NOT NULL,
    "upload_mbps" INTEGER NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL,
    "lock_packages" BOOLEAN NOT NULL,
    "version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "plan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "plan_package" (
    "plan_id" UUID NOT NULL,
    "package_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "mandatory" BOOLEAN NOT NULL,
    "trial_days" INTEGER NOT NULL,

    CONSTRAINT "plan_package_pkey" PRIMARY KEY ("plan_id","package_id")
);

-- CreateIndex
CREATE INDEX "plan_created_at_id_idx" ON "plan"("created_at", "id");

-- CreateIndex
CREATE INDEX "plan_package_package_id_idx" ON "plan_package"("package_id");

-- CreateIndex
CREATE INDEX "integration_created_at_id_idx" ON "integration"("created_at", "id");

-- CreateIndex
CREATE INDEX "package_created_at_id_idx" ON "package"("created_at", "id");

-- AddForeignKey
ALTER TABLE "package_component" ADD CONSTRAINT "package_component_package_id_fkey" FOREIGN KEY ("package_id") REFERENCES "package"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan_package" ADD CONSTRAINT "plan_package_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan_package" ADD CONSTRAINT "plan_package_package_id_fkey" FOREIGN KEY ("package_id") REFERENCES "package"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A component's share is a percentage or a fixed amount, never both (not expressible in schema.prisma).
ALTER TABLE "package_component" ADD CONSTRAINT "package_component_one_share" CHECK (("percent_basis_points" IS NULL) <> ("amount_cents" IS NULL));

-- Packages created before fiscal compositions existed: the whole price as value-added service
-- (SVA) under LC 116/2003 item 1.09, the default a new package gets when none is given.
INSERT INTO "package_component" ("package_id", "position", "kind", "service_code", "percent_basis_points", "amount_cents")
SELECT "id", 0, 'sva', '1.09', 10000, NULL FROM "package";
