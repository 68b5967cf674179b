-- DropIndex
DROP INDEX "Progress_exerciseId_idx";

-- AlterTable
ALTER TABLE "Sandbox" ADD COLUMN     "endReason" TEXT;

-- AlterTable
ALTER TABLE "Progress" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "passedAt" TIMESTAMP(3),
ADD COLUMN     "secondsToPass" INTEGER,
ADD COLUMN     "startedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "CheckStat" (
    "exerciseId" TEXT NOT NULL,
    "checkId" TEXT NOT NULL,
    "runs" INTEGER NOT NULL DEFAULT 0,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "samples" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CheckStat_pkey" PRIMARY KEY ("exerciseId","checkId")
);

-- CreateTable
CREATE TABLE "Cohort" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enrolToken" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Cohort_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CohortMember" (
    "cohortId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "addedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CohortMember_pkey" PRIMARY KEY ("cohortId","userId")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "actorId" TEXT,
    "actorEmail" TEXT NOT NULL,
    "actorRole" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "detail" JSONB,
    "ip" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CheckStat_failures_idx" ON "CheckStat"("failures");

-- CreateIndex
CREATE UNIQUE INDEX "Cohort_name_key" ON "Cohort"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Cohort_enrolToken_key" ON "Cohort"("enrolToken");

-- CreateIndex
CREATE INDEX "CohortMember_userId_idx" ON "CohortMember"("userId");

-- CreateIndex
CREATE INDEX "AuditEvent_createdAt_idx" ON "AuditEvent"("createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_createdAt_idx" ON "AuditEvent"("actorId", "createdAt");

-- CreateIndex
CREATE INDEX "Sandbox_state_createdAt_idx" ON "Sandbox"("state", "createdAt");

-- CreateIndex
CREATE INDEX "Reveal_exerciseId_kind_userId_idx" ON "Reveal"("exerciseId", "kind", "userId");

-- CreateIndex
CREATE INDEX "Progress_exerciseId_status_idx" ON "Progress"("exerciseId", "status");

-- CreateIndex
CREATE INDEX "Progress_exerciseId_secondsToPass_idx" ON "Progress"("exerciseId", "secondsToPass");

-- AddForeignKey
ALTER TABLE "CheckStat" ADD CONSTRAINT "CheckStat_exerciseId_fkey" FOREIGN KEY ("exerciseId") REFERENCES "Exercise"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CohortMember" ADD CONSTRAINT "CohortMember_cohortId_fkey" FOREIGN KEY ("cohortId") REFERENCES "Cohort"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CohortMember" ADD CONSTRAINT "CohortMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Backfill: the counters the dashboards read, from what was recorded before they existed.
UPDATE "Progress" SET "attempts" = (
    SELECT COUNT(*) FROM "Attempt" a JOIN "ExerciseVersion" v ON v."id" = a."exerciseVersionId"
    WHERE a."userId" = "Progress"."userId" AND v."exerciseId" = "Progress"."exerciseId"
);
UPDATE "Progress" SET "startedAt" = (
    SELECT MIN(s."createdAt") FROM "Sandbox" s WHERE s."userId" = "Progress"."userId" AND s."exerciseId" = "Progress"."exerciseId"
);
INSERT INTO "CheckStat" ("exerciseId", "checkId", "runs", "failures", "samples", "updatedAt")
SELECT v."exerciseId", r."checkId", COUNT(*), SUM(CASE WHEN r."passed" THEN 0 ELSE 1 END), '[]', MAX(a."createdAt")
FROM "CheckResult" r JOIN "Attempt" a ON a."id" = r."attemptId" JOIN "ExerciseVersion" v ON v."id" = a."exerciseVersionId"
GROUP BY v."exerciseId", r."checkId";
