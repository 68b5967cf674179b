// What learners may see, in one place: a lesson that is neither archived nor an unpublished
// browser draft, an exercise that is not archived and has a published version.
export const visibleLesson = { archived: false, published: true } as const;
export const visibleExercise = { archived: false, currentVersionId: { not: null } } as const;
