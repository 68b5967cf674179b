-- CreateTable
CREATE TABLE "Runner" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "url" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'down',
    "lastHealth" TEXT,
    "provider" TEXT,
    "capacity" INTEGER,
    "freeSlots" INTEGER,
    "lastSeenAt" DATETIME,
    "checkedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Sandbox" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runnerId" TEXT NOT NULL,
    "hostRunnerId" TEXT,
    "userId" TEXT NOT NULL,
    "exerciseId" TEXT NOT NULL,
    "exerciseVersionId" TEXT,
    "purpose" TEXT NOT NULL DEFAULT 'learn',
    "draftSpec" JSONB,
    "state" TEXT NOT NULL,
    "endReason" TEXT,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Sandbox_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Sandbox_exerciseId_fkey" FOREIGN KEY ("exerciseId") REFERENCES "Exercise" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Sandbox_exerciseVersionId_fkey" FOREIGN KEY ("exerciseVersionId") REFERENCES "ExerciseVersion" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Sandbox_hostRunnerId_fkey" FOREIGN KEY ("hostRunnerId") REFERENCES "Runner" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Sandbox" ("createdAt", "draftSpec", "endReason", "exerciseId", "exerciseVersionId", "expiresAt", "id", "purpose", "runnerId", "state", "updatedAt", "userId") SELECT "createdAt", "draftSpec", "endReason", "exerciseId", "exerciseVersionId", "expiresAt", "id", "purpose", "runnerId", "state", "updatedAt", "userId" FROM "Sandbox";
DROP TABLE "Sandbox";
ALTER TABLE "new_Sandbox" RENAME TO "Sandbox";
CREATE UNIQUE INDEX "Sandbox_runnerId_key" ON "Sandbox"("runnerId");
CREATE INDEX "Sandbox_userId_state_idx" ON "Sandbox"("userId", "state");
CREATE INDEX "Sandbox_state_createdAt_idx" ON "Sandbox"("state", "createdAt");
CREATE INDEX "Sandbox_hostRunnerId_state_idx" ON "Sandbox"("hostRunnerId", "state");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Runner_url_key" ON "Runner"("url");

