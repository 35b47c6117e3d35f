-- Customer search by name (issue 13) in a table of its own: the search form of each name with its
-- trigram and name-order indexes, about a quarter of the size of the customer table, so that a
-- search that rechecks hundreds of candidates reads them from the memory of the database rather
-- than from a table larger than shared_buffers. The app writes it with the customer
-- (createCustomer), and the name of a customer does not change after.
-- No semicolon in these comments: the schema engine replaying migrations splits statements there.

-- CreateTable
CREATE TABLE "customer_search" (
    "id" UUID NOT NULL,
    "name_search" TEXT NOT NULL,

    CONSTRAINT "customer_search_pkey" PRIMARY KEY ("id")
);

INSERT INTO "customer_search" ("id", "name_search") SELECT "id", "name_search" FROM "customer";

-- CreateIndex
CREATE INDEX "customer_search_name_search_trgm_idx" ON "customer_search" USING GIN ("name_search" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "customer_search_name_search_id_idx" ON "customer_search"("name_search", "id");

-- AddForeignKey
ALTER TABLE "customer_search" ADD CONSTRAINT "customer_search_id_fkey" FOREIGN KEY ("id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The name indexes of the customer table are no longer read.
DROP INDEX "customer_name_search_trgm_idx";
DROP INDEX "customer_name_search_id_idx";
