// POST /api/exercises/:ref/quiz {answers: {questionId: [choiceId]}}: grades the learner's answers
// against the current version's quiz (the answers never left the server before this), records a
// QuizAnswer, moves progress, and answers with each question's outcome and explanation.
import { db } from '@/lib/db';
import { getI18n } from '@/lib/i18n/server';
import { findExercise } from '@/lib/content/queries';
import { recordQuizAnswer } from '@/lib/progress/record';
import { quizResultForBrowser } from '@/lib/quiz/for-browser';
import { gradeQuiz, quizSubmissionSchema } from '@/lib/quiz/grade';
import { apiError, apiJson } from '@/lib/runner/responses';
import { guardUser } from '@/lib/runner/route-guard';

export async function POST(request: Request, { params }: { params: Promise<{ ref: string }> }) {
  const who = await guardUser();
  if (!who.ok) return who.response;
  const body = quizSubmissionSchema.safeParse(await request.json().catch(() => undefined));
  if (!body.success) return apiError(400, 'BAD_REQUEST', 'expected {"answers":{"<question id>":["<choice id>", ...]}}');
  const exercise = await findExercise(db(), (await params).ref);
  if (!exercise) return apiError(404, 'EXERCISE_NOT_FOUND', 'no such exercise');
  const quiz = exercise.spec.quiz;
  if (!quiz) return apiError(404, 'QUIZ_NOT_FOUND', 'this exercise has no quiz');
  const { locale } = await getI18n();
  const grade = gradeQuiz(quiz, body.data.answers);
  await recordQuizAnswer(db(), { userId: who.user.id, exerciseId: exercise.id, exerciseVersionId: exercise.versionId, grade });
  return apiJson(quizResultForBrowser(quiz, locale, grade));
}
