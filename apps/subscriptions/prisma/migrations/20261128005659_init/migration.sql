-- CreateTable
CREATE TABLE "customer" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "document_type" TEXT NOT NULL,
    "document_key" TEXT NOT NULL,
    "document_verifier" TEXT NOT NULL,
    "document_masked" TEXT NOT NULL,
    "email" TEXT,
    "code" TEXT,
    "delinquent" BOOLEAN NOT NULL DEFAULT false,
    "standing_version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "customer_service" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "plan_id" UUID,
    "status" TEXT NOT NULL,
    "auth_login" TEXT,
    "auth_login_key" TEXT,
    "auth_password_verifier" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "customer_service_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "service_package" (
    "id" UUID NOT NULL,
    "service_id" UUID NOT NULL,
    "package_id" UUID NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "trial_ends_at" TIMESTAMPTZ(3),
    "attached_at" TIMESTAMPTZ(3) NOT NULL,
    "detached_at" TIMESTAMPTZ(3),
    "detach_reason" TEXT,

    CONSTRAINT "service_package_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subscriber" (
    "integration_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "subscriber_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subscriber_pkey" PRIMARY KEY ("integration_id","customer_id")
);

-- CreateTable
CREATE TABLE "entitlement" (
    "integration_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "record" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "entitlement_pkey" PRIMARY KEY ("integration_id","customer_id")
);

-- CreateTable
CREATE TABLE "known_integration" (
    "id" UUID NOT NULL,
    "login_field" TEXT NOT NULL,
    "single_package" BOOLEAN NOT NULL,
    "sync_subscription_status" BOOLEAN NOT NULL,
    "active" BOOLEAN NOT NULL,
    "version" INTEGER NOT NULL,

    CONSTRAINT "known_integration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "known_package" (
    "id" UUID NOT NULL,
    "description" TEXT NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL,
    "grants" JSONB NOT NULL,
    "version" INTEGER NOT NULL,

    CONSTRAINT "known_package_pkey" PRIMARY KEY ("id")
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
CREATE UNIQUE INDEX "customer_document_key_key" ON "customer"("document_key");

-- CreateIndex
CREATE UNIQUE INDEX "customer_code_key" ON "customer"("code");

-- CreateIndex
CREATE UNIQUE INDEX "customer_service_auth_login_key" ON "customer_service"("auth_login");

-- CreateIndex
CREATE INDEX "customer_service_customer_id_idx" ON "customer_service"("customer_id");

-- CreateIndex
CREATE INDEX "service_package_service_id_idx" ON "service_package"("service_id");

-- CreateIndex
CREATE INDEX "service_package_package_id_idx" ON "service_package"("package_id");

-- CreateIndex
CREATE UNIQUE INDEX "subscriber_subscriber_id_key" ON "subscriber"("subscriber_id");

-- CreateIndex
CREATE INDEX "subscriber_customer_id_idx" ON "subscriber"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_message_seq_key" ON "outbox_message"("seq");

-- CreateIndex
CREATE INDEX "outbox_message_published_at_seq_idx" ON "outbox_message"("published_at", "seq");

-- AddForeignKey
ALTER TABLE "customer_service" ADD CONSTRAINT "customer_service_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "service_package" ADD CONSTRAINT "service_package_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "customer_service"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscriber" ADD CONSTRAINT "subscriber_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
