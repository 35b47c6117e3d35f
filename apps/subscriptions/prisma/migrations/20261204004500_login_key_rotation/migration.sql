-- Issue 12 item 6: what a re-key under a new LOGIN_HASH_KEY needs, sealed at rest.
ALTER TABLE "customer" ADD COLUMN "document_sealed" TEXT;
ALTER TABLE "customer_service" ADD COLUMN "auth_password_sealed" TEXT;
