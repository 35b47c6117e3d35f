-- CreateTable
CREATE TABLE "trial_failure" (
    "customer_id" UUID NOT NULL,
    "attempts" INTEGER NOT NULL,
    "last_error" TEXT NOT NULL,
    "first_failed_at" TIMESTAMPTZ(3) NOT NULL,
    "last_failed_at" TIMESTAMPTZ(3) NOT NULL,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "trial_failure_pkey" PRIMARY KEY ("customer_id")
);

-- CreateIndex
CREATE INDEX "trial_failure_next_attempt_at_idx" ON "trial_failure"("next_attempt_at");
