// What a check saw, in the learner's language: every kind says it in English and in Chinese
// (with Chinese punctuation), so a zh-CN failure message never mixes in English sentences.
// Names, images, commands and output are the cluster's own and stay as they are.

import type { LocalizedText } from '@kubelab/exercise-format';

export type Said = LocalizedText;

export const say = (en: string, zh: string): Said => ({ en, 'zh-CN': zh });

/** Parts after one another: "a; b" in English, "a；b" in Chinese. */
export function joined(parts: readonly Said[]): Said {
  return say(parts.map((p) => p.en).join('; '), parts.map((p) => p['zh-CN']).join('；'));
}

/** The summary, followed by what is wrong when anything is. */
export function withProblems(summary: Said, problems: readonly Said[]): Said {
  return problems.length === 0 ? summary : joined([summary, ...problems]);
}

/** "a, b" / "a、b"; "none" / "无" for no items. */
export function listed(items: readonly string[]): Said {
  return items.length === 0 ? say('none', '无') : say(items.join(', '), items.join('、'));
}

/** "1 container", "2 containers" / "2 个容器". */
export function counted(count: number, en: string, zh: string): Said {
  return say(`${count} ${en}${count === 1 ? '' : 's'}`, `${count} ${zh}`);
}
