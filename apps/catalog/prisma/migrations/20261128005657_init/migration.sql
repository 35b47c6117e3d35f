-- CreateTable
CREATE TABLE "integration" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "login_field" TEXT NOT NULL,
    "single_package" BOOLEAN NOT NULL,
    "sync_subscription_status" BOOLEAN NOT NULL,
    "active" BOOLEAN NOT NULL,
    "platform_base_url" TEXT NOT NULL,
    "platform_client_id" TEXT NOT NULL,
    "platform_secret_sealed" TEXT NOT NULL,
    "secret_sha256" TEXT NOT NULL,
    "previous_secret_sha256" TEXT,
    "previous_secret_valid_until" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "integration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "product" (
    "integration_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL,
    "version" INTEGER NOT NULL,
    "synced_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "product_pkey" PRIMARY KEY ("integration_id","code")
);

-- CreateTable
CREATE TABLE "package" (
    "id" UUID NOT NULL,
    "description" TEXT NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL,
    "version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "package_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "package_product" (
    "package_id" UUID NOT NULL,
    "integration_id" UUID NOT NULL,
    "product_code" TEXT NOT NULL,

    CONSTRAINT "package_product_pkey" PRIMARY KEY ("package_id","integration_id","product_code")
);

-- CreateTable
CREATE TABLE "outbox_message" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "key" TEXT,
    "payload" JSONB NOT NULL,
    "headers" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processed_message" (
    "consumer" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_message_pkey" PRIMARY KEY ("consumer","message_id")
);

-- CreateIndex
CREATE INDEX "package_product_integration_id_product_code_idx" ON "package_product"("integration_id", "product_code");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_message_seq_key" ON "outbox_message"("seq");

-- CreateIndex
CREATE INDEX "outbox_message_published_at_seq_idx" ON "outbox_message"("published_at", "seq");

-- AddForeignKey
ALTER TABLE "product" ADD CONSTRAINT "product_integration_id_fkey" FOREIGN KEY ("integration_id") REFERENCES "integration"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "package_product" ADD CONSTRAINT "package_product_package_id_fkey" FOREIGN KEY ("package_id") REFERENCES "package"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "package_product" ADD CONSTRAINT "package_product_integration_id_product_code_fkey" FOREIGN KEY ("integration_id", "product_code") REFERENCES "product"("integration_id", "code") ON DELETE RESTRICT ON UPDATE CASCADE;
