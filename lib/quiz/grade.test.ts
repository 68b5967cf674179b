import { exerciseSchema, type Quiz } from '@kubelab/exercise-format';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { gradeQuiz, isMultipleChoice, quizSubmissionSchema } from './grade';

const text = (s: string) => ({ en: s, 'zh-CN': s });
const quiz: Quiz = {
  passPercent: 50,
  questions: [
    { id: 'one', prompt: text('One?'), choices: [{ id: 'a', text: text('A') }, { id: 'b', text: text('B') }], correct: ['a'], explanation: text('A.') },
    {
      id: 'many',
      prompt: text('Many?'),
      choices: [{ id: 'x', text: text('X') }, { id: 'y', text: text('Y') }, { id: 'z', text: text('Z') }],
      correct: ['x', 'z'],
      explanation: text('X and Z.'),
    },
  ],
};

describe('gradeQuiz', () => {
  it('a single-choice question is right with exactly its correct choice', () => {
    expect(gradeQuiz(quiz, { one: ['a'] }).results[0]).toEqual({ questionId: 'one', chosen: ['a'], correct: true });
    expect(gradeQuiz(quiz, { one: ['b'] }).results[0]?.correct).toBe(false);
    expect(gradeQuiz(quiz, { one: ['a', 'b'] }).results[0]?.correct).toBe(false);
    expect(gradeQuiz(quiz, {}).results[0]).toEqual({ questionId: 'one', chosen: [], correct: false });
  });

  it('a multiple-choice question needs all its correct choices and nothing else', () => {
    expect(gradeQuiz(quiz, { many: ['z', 'x'] }).results[1]?.correct).toBe(true);
    expect(gradeQuiz(quiz, { many: ['x'] }).results[1]?.correct).toBe(false);
    expect(gradeQuiz(quiz, { many: ['x', 'y', 'z'] }).results[1]?.correct).toBe(false);
    // Duplicates collapse; ids that are not choices never count.
    expect(gradeQuiz(quiz, { many: ['x', 'x', 'z', 'nope'] }).results[1]).toEqual({ questionId: 'many', chosen: ['x', 'z'], correct: true });
  });

  it('passes when the share of right questions reaches passPercent', () => {
    expect(gradeQuiz(quiz, { one: ['a'] })).toMatchObject({ passed: true, percent: 50 });
    expect(gradeQuiz(quiz, { one: ['b'] })).toMatchObject({ passed: false, percent: 0 });
    expect(gradeQuiz({ ...quiz, passPercent: 100 }, { one: ['a'] })).toMatchObject({ passed: false, percent: 50 });
    expect(gradeQuiz({ ...quiz, passPercent: 100 }, { one: ['a'], many: ['x', 'z'] })).toMatchObject({ passed: true, percent: 100 });
  });

  it('knows checkbox questions from radio ones', () => {
    expect(quiz.questions.map(isMultipleChoice)).toEqual([false, true]);
  });

  it('grades the wordpress-mysql-split quiz: its correct answers pass, all-first choices do not', () => {
    const file = path.resolve(__dirname, '../../exercises/pods');
    const found = fs
      .readdirSync(file, { recursive: true })
      .map(String)
      .find((f) => f.endsWith('wordpress-mysql-split.yaml'));
    expect(found).toBeDefined();
    const spec = exerciseSchema.parse(parse(fs.readFileSync(path.join(file, found!), 'utf8')));
    const real = spec.quiz!;
    const right = Object.fromEntries(real.questions.map((q) => [q.id, q.correct]));
    expect(gradeQuiz(real, right)).toMatchObject({ passed: true, percent: 100 });
    const firsts = Object.fromEntries(real.questions.map((q) => [q.id, [q.choices[0]!.id]]));
    const firstGrade = gradeQuiz(real, firsts);
    expect(firstGrade.results.every((r, i) => r.correct === (real.questions[i]!.correct.join() === real.questions[i]!.choices[0]!.id))).toBe(true);
  });

  it('the submission schema refuses what is not question -> choice ids', () => {
    expect(quizSubmissionSchema.safeParse({ answers: { one: 'a' } }).success).toBe(false);
    expect(quizSubmissionSchema.safeParse({ answers: { one: ['a'] } }).success).toBe(true);
  });
});
