-- AlterTable
ALTER TABLE "Course" ADD COLUMN     "origin" TEXT NOT NULL DEFAULT 'files';

-- AlterTable
ALTER TABLE "Lesson" ADD COLUMN     "draftBody" JSONB,
ADD COLUMN     "draftTitle" JSONB,
ADD COLUMN     "origin" TEXT NOT NULL DEFAULT 'files',
ADD COLUMN     "published" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Exercise" ADD COLUMN     "draftHash" TEXT,
ADD COLUMN     "draftRevision" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "draftUpdatedAt" TIMESTAMP(3),
ADD COLUMN     "draftYaml" TEXT,
ADD COLUMN     "origin" TEXT NOT NULL DEFAULT 'files';

-- AlterTable
ALTER TABLE "ExerciseVersion" ADD COLUMN     "publishedById" TEXT,
ADD COLUMN     "yaml" TEXT;

-- AlterTable
ALTER TABLE "Sandbox" ADD COLUMN     "draftSpec" JSONB,
ADD COLUMN     "exerciseVersionId" TEXT,
ADD COLUMN     "purpose" TEXT NOT NULL DEFAULT 'learn';

-- CreateTable
CREATE TABLE "ExerciseProof" (
    "id" TEXT NOT NULL,
    "exerciseId" TEXT NOT NULL,
    "yamlHash" TEXT NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "report" JSONB NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExerciseProof_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ExerciseProof_exerciseId_yamlHash_idx" ON "ExerciseProof"("exerciseId", "yamlHash");

-- AddForeignKey
ALTER TABLE "Sandbox" ADD CONSTRAINT "Sandbox_exerciseVersionId_fkey" FOREIGN KEY ("exerciseVersionId") REFERENCES "ExerciseVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExerciseProof" ADD CONSTRAINT "ExerciseProof_exerciseId_fkey" FOREIGN KEY ("exerciseId") REFERENCES "Exercise"("id") ON DELETE CASCADE ON UPDATE CASCADE;

