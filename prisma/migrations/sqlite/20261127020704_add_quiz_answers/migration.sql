-- CreateTable
CREATE TABLE "QuizAnswer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "exerciseVersionId" TEXT NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "percent" INTEGER NOT NULL,
    "results" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "QuizAnswer_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "QuizAnswer_exerciseVersionId_fkey" FOREIGN KEY ("exerciseVersionId") REFERENCES "ExerciseVersion" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "QuizAnswer_userId_createdAt_idx" ON "QuizAnswer"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "QuizAnswer_exerciseVersionId_idx" ON "QuizAnswer"("exerciseVersionId");

