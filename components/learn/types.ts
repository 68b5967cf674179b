// Shapes the learner's browser receives from the web app (never the runner's own records).
export type SandboxStateName = 'provisioning' | 'ready' | 'deleting' | 'deleted' | 'failed';

export interface SandboxForBrowser {
  /** The web app's sandbox id (not the runner's). */
  id: string;
  state: SandboxStateName;
  createdAt: string;
  readyAt: string | null;
  expiresAt: string;
  maxExpiresAt: string | null;
  history: { state: SandboxStateName; at: string }[];
  error: { code: string; message: string } | null;
  /** Why the runner ended it (idle_timeout, max_lifetime, deleted, ...), once it has. */
  endReason: string | null;
}

export interface CheckResultForBrowser {
  id: string;
  passed: boolean;
  message: string;
  observed: string | null;
  points: number;
  maxPoints: number;
}

export interface CheckRunForBrowser {
  passed: boolean;
  points: number;
  maxPoints: number;
  results: CheckResultForBrowser[];
  /** Present when the run was recorded (the Check button), absent for live runs. */
  attempt?: { id: string; createdAt: string };
}

export interface PodForBrowser {
  namespace: string;
  name: string;
  phase: string;
  /** Why the Pod is where it is (Terminating, Unschedulable, …) and the explanation that goes with it. */
  reason: string | null;
  message: string | null;
  containers: { name: string; image: string; state: string; reason: string | null; ready: boolean; restarts: number }[];
  /** The TCP ports its containers declare. */
  ports: number[];
}

export interface SolutionForBrowser {
  commands: string[];
  manifests: string[];
  explanation: string;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

/** A quiz question as the browser gets it before grading: no correct answers, no explanation. */
export interface QuizQuestionForBrowser {
  id: string;
  prompt: string;
  /** Checkboxes when true (more than one correct choice), radio buttons otherwise. */
  multiple: boolean;
  choices: { id: string; text: string }[];
}

/** A graded quiz: per question whether it was right, what was chosen, and the explanation. */
export interface QuizResultForBrowser {
  passed: boolean;
  percent: number;
  passPercent: number;
  results: { questionId: string; chosen: string[]; correct: boolean; explanation: string }[];
}
