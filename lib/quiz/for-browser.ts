// What of a quiz the browser may see: the questions without their answers before grading, and
// after grading each question's outcome with its explanation.
import type { Locale } from '@kubelab/exercise-format';
import type { Quiz } from '@kubelab/exercise-format';
import type { QuizQuestionForBrowser, QuizResultForBrowser } from '@/components/learn/types';
import { isMultipleChoice, type QuestionResult } from './grade';

export function quizQuestionsForBrowser(quiz: Quiz, locale: Locale): QuizQuestionForBrowser[] {
  return quiz.questions.map((q) => ({
    id: q.id,
    prompt: q.prompt[locale],
    multiple: isMultipleChoice(q),
    choices: q.choices.map((c) => ({ id: c.id, text: c.text[locale] })),
  }));
}

/** A recorded or fresh grade in the reader's language; stored results are read defensively. */
export function quizResultForBrowser(
  quiz: Quiz,
  locale: Locale,
  grade: { passed: boolean; percent: number; results: unknown },
): QuizResultForBrowser {
  const stored = Array.isArray(grade.results) ? (grade.results as Partial<QuestionResult>[]) : [];
  return {
    passed: grade.passed,
    percent: grade.percent,
    passPercent: quiz.passPercent,
    results: quiz.questions.map((q) => {
      const r = stored.find((s) => s.questionId === q.id);
      return {
        questionId: q.id,
        chosen: Array.isArray(r?.chosen) ? r.chosen.filter((c): c is string => typeof c === 'string') : [],
        correct: r?.correct === true,
        explanation: q.explanation[locale],
      };
    }),
  };
}
