// Images referenced from lesson markdown. Each must have alt text and exist beside the lesson.
// The caption is the image title (`![alt](figure.svg "Figure 1: ...")`, rendered as a figcaption
// by the web app), or else an italic line right under the image.

export interface LessonFigure {
  /** As written in the markdown, relative to the lesson folder. */
  src: string;
  alt: string;
  caption?: string;
  /** 1-based line of the image in the markdown file. */
  line: number;
  column: number;
}

const imagePattern = /!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"([^"]*)")?\s*\)/g;
const captionPattern = /^\s*[*_](.+)[*_]\s*$/;

export function findLessonFigures(markdown: string): LessonFigure[] {
  const lines = markdown.split(/\r?\n/);
  const figures: LessonFigure[] = [];
  let inFence = false;
  lines.forEach((text, index) => {
    if (/^\s*(```|~~~)/.test(text)) inFence = !inFence;
    if (inFence) return;
    for (const match of text.matchAll(imagePattern)) {
      const next = lines[index + 1] ?? '';
      const caption = match[3]?.trim() || captionPattern.exec(next)?.[1]?.trim();
      figures.push({
        src: match[2] ?? '',
        alt: (match[1] ?? '').trim(),
        ...(caption !== undefined ? { caption } : {}),
        line: index + 1,
        column: (match.index ?? 0) + 1,
      });
    }
  });
  return figures;
}

/** True for references that point outside the lesson folder's own files (web links, data URLs). */
export function isExternalReference(src: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('//');
}
