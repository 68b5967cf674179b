// Grading a quiz against the exercise version's spec. The learner's answers arrive as choice
// ids per question; a question is right when exactly its correct choices were chosen (for a
// multiple-choice question, all of them and nothing else). The quiz passes when the share of
// right questions reaches the spec's passPercent.
import type { Quiz } from '@kubelab/exercise-format';
import { z } from 'zod';

/** What the browser sends: question id -> chosen choice ids. */
export const quizSubmissionSchema = z.object({
  answers: z.record(z.string().min(1).max(100), z.array(z.string().min(1).max(100)).max(50)),
});
export type QuizSubmission = z.infer<typeof quizSubmissionSchema>;

export interface QuestionResult {
  questionId: string;
  chosen: string[];
  correct: boolean;
}

export interface QuizGrade {
  passed: boolean;
  /** Share of questions answered right, 0-100, rounded down. */
  percent: number;
  results: QuestionResult[];
}

export function gradeQuiz(quiz: Quiz, answers: QuizSubmission['answers']): QuizGrade {
  const results = quiz.questions.map((question): QuestionResult => {
    const valid = new Set(question.choices.map((c) => c.id));
    // Unknown ids are dropped (never counted right), duplicates collapse.
    const chosen = [...new Set(answers[question.id] ?? [])].filter((id) => valid.has(id));
    const expected = new Set(question.correct);
    const correct = chosen.length === expected.size && chosen.every((id) => expected.has(id));
    return { questionId: question.id, chosen, correct };
  });
  const right = results.filter((r) => r.correct).length;
  const percent = Math.floor((right * 100) / results.length);
  return { passed: percent >= quiz.passPercent, percent, results };
}

/** A question is multiple-choice (checkboxes) when it has more than one correct choice. */
export function isMultipleChoice(question: Quiz['questions'][number]): boolean {
  return question.correct.length > 1;
}
