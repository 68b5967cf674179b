-- DropIndex
DROP INDEX "Progress_exerciseId_status_idx";

-- DropIndex
DROP INDEX "Progress_exerciseId_secondsToPass_idx";

-- CreateIndex
CREATE INDEX "User_role_name_id_idx" ON "User"("role", "name", "id");

-- CreateIndex
CREATE INDEX "User_role_email_idx" ON "User"("role", "email");

-- CreateIndex
CREATE INDEX "Progress_exerciseId_status_userId_idx" ON "Progress"("exerciseId", "status", "userId");

-- CreateIndex
CREATE INDEX "Progress_exerciseId_secondsToPass_userId_idx" ON "Progress"("exerciseId", "secondsToPass", "userId");

