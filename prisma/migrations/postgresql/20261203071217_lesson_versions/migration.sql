-- CreateTable
CREATE TABLE "LessonVersion" (
    "id" TEXT NOT NULL,
    "lessonId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "title" JSONB NOT NULL,
    "body" JSONB NOT NULL,
    "savedById" TEXT,
    "savedByEmail" TEXT,
    "restoredFrom" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LessonVersion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "LessonVersion_lessonId_version_key" ON "LessonVersion"("lessonId", "version");

-- AddForeignKey
ALTER TABLE "LessonVersion" ADD CONSTRAINT "LessonVersion_lessonId_fkey" FOREIGN KEY ("lessonId") REFERENCES "Lesson"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Editor lessons saved before versions existed start their history at their current draft.
INSERT INTO "LessonVersion" ("id", "lessonId", "version", "title", "body", "createdAt")
SELECT 'lv' || md5(random()::text || "id"), "id", "revision", "draftTitle", "draftBody", "updatedAt"
FROM "Lesson" WHERE "origin" = 'editor' AND "draftTitle" IS NOT NULL AND "draftBody" IS NOT NULL;
