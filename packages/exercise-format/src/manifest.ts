import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

// A Kubernetes manifest in an exercise file: either a YAML string (one or more documents,
// handy for pasting) or the object itself.

export const manifestObjectSchema = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({ name: z.string().min(1) }),
});
export type ManifestObject = z.infer<typeof manifestObjectSchema>;

export const manifestSchema = z
  .union([z.string().min(1), manifestObjectSchema])
  .superRefine((manifest, ctx) => {
    if (typeof manifest !== 'string') return;
    const problem = manifestTextProblem(manifest);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('A Kubernetes manifest: a YAML string (one or more documents) or an object.');
export type Manifest = z.infer<typeof manifestSchema>;

function manifestTextProblem(text: string): string | undefined {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return 'expected YAML documents';
  let count = 0;
  for (const document of documents) {
    const error = document.errors[0];
    if (error !== undefined) return `manifest YAML: ${error.message.split('\n')[0]}`;
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    const parsed = manifestObjectSchema.safeParse(value);
    if (!parsed.success) return `manifest document ${count + 1} needs apiVersion, kind and metadata.name`;
    count++;
  }
  return count === 0 ? 'the manifest has no documents' : undefined;
}

/** The objects of a manifest, one per document, ready to apply. */
export function manifestObjects(manifest: Manifest): ManifestObject[] {
  if (typeof manifest !== 'string') return [manifest];
  const objects: ManifestObject[] = [];
  for (const document of parseAllDocuments(manifest)) {
    const value: unknown = document.toJS();
    if (value !== null && value !== undefined) objects.push(manifestObjectSchema.parse(value));
  }
  return objects;
}
