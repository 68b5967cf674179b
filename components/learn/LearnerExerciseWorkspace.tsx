'use client';
// The exercise page's workspace with its strings taken from the learner catalogue in the browser
// bundle, by locale. Passed from the server page instead, the whole exercise catalogue (about 5 kB)
// was serialised into every exercise page's RSC payload and inlined again into its HTML.
import { learnCatalogues } from '@/messages/learn';
import { ExerciseWorkspace, type ExerciseWorkspaceProps } from './ExerciseWorkspace';

export function LearnerExerciseWorkspace(props: Omit<ExerciseWorkspaceProps, 'm' | 'tryDraft'>) {
  return <ExerciseWorkspace {...props} m={learnCatalogues[props.locale].exercise} />;
}
