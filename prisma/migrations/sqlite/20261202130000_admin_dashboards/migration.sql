-- AlterTable
ALTER TABLE "Sandbox" ADD COLUMN "endReason" TEXT;

-- CreateTable
CREATE TABLE "CheckStat" (
    "exerciseId" TEXT NOT NULL,
    "checkId" TEXT NOT NULL,
    "runs" INTEGER NOT NULL DEFAULT 0,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "samples" JSONB NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("exerciseId", "checkId"),
    CONSTRAINT "CheckStat_exerciseId_fkey" FOREIGN KEY ("exerciseId") REFERENCES "Exercise" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Cohort" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "enrolToken" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "CohortMember" (
    "cohortId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "addedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("cohortId", "userId"),
    CONSTRAINT "CohortMember_cohortId_fkey" FOREIGN KEY ("cohortId") REFERENCES "Cohort" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CohortMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "actorId" TEXT,
    "actorEmail" TEXT NOT NULL,
    "actorRole" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "detail" JSONB,
    "ip" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AuditEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Progress" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "exerciseId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'not_started',
    "points" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "startedAt" DATETIME,
    "passedAt" DATETIME,
    "secondsToPass" INTEGER,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Progress_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Progress_exerciseId_fkey" FOREIGN KEY ("exerciseId") REFERENCES "Exercise" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Progress" ("exerciseId", "id", "points", "status", "updatedAt", "userId") SELECT "exerciseId", "id", "points", "status", "updatedAt", "userId" FROM "Progress";
DROP TABLE "Progress";
ALTER TABLE "new_Progress" RENAME TO "Progress";
CREATE INDEX "Progress_exerciseId_status_idx" ON "Progress"("exerciseId", "status");
CREATE INDEX "Progress_exerciseId_secondsToPass_idx" ON "Progress"("exerciseId", "secondsToPass");
CREATE UNIQUE INDEX "Progress_userId_exerciseId_key" ON "Progress"("userId", "exerciseId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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
