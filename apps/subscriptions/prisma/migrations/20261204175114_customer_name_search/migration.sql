-- Customer search by name (issue 13): accent- and case-insensitive, by any part of the name.
-- pg_trgm ships with PostgreSQL (contrib) and with PGlite (loaded by libs/db's embedded mode).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- AlterTable
ALTER TABLE "customer" ADD COLUMN     "name_search" TEXT NOT NULL DEFAULT '';

-- Backfill: the steps of src/domain/name-search.ts in SQL (NFKD, combining marks U+0300–U+036F
-- dropped, lower case, runs of ASCII white space made one space, trimmed).
-- test/customer-search.int.spec.ts runs this statement and compares it with the app's function.
UPDATE "customer" SET "name_search" = btrim(regexp_replace(lower(regexp_replace(normalize("name", NFKD), '[\u0300-\u036f]', '', 'g')), '[ \t\n\r\f\v]+', ' ', 'g'), ' ');

-- CreateIndex
CREATE INDEX "customer_name_search_trgm_idx" ON "customer" USING GIN ("name_search" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "customer_name_search_id_idx" ON "customer"("name_search", "id");
