-- AlterTable
ALTER TABLE "Sandbox" ADD COLUMN     "hostRunnerId" TEXT;

-- CreateTable
CREATE TABLE "Runner" (
    "id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'down',
    "lastHealth" TEXT,
    "provider" TEXT,
    "capacity" INTEGER,
    "freeSlots" INTEGER,
    "lastSeenAt" TIMESTAMP(3),
    "checkedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Runner_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Runner_url_key" ON "Runner"("url");

-- CreateIndex
CREATE INDEX "Sandbox_hostRunnerId_state_idx" ON "Sandbox"("hostRunnerId", "state");

-- AddForeignKey
ALTER TABLE "Sandbox" ADD CONSTRAINT "Sandbox_hostRunnerId_fkey" FOREIGN KEY ("hostRunnerId") REFERENCES "Runner"("id") ON DELETE SET NULL ON UPDATE CASCADE;

