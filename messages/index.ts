import { en } from './en';
import type { Messages } from './types';
import { zhCN } from './zh-CN';

export type { Messages } from './types';

export const catalogues = { en, 'zh-CN': zhCN } satisfies Record<string, Messages>;
