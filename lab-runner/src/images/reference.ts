// Image references the way the Docker CLI and the kubelet read them: a bare name is on
// docker.io under library/, a missing tag is :latest. The kubelet compares references only
// after normalising them, so every usual spelling of one image finds the same local tag.

export function normalizeImageReference(reference: string): string {
  const ref = reference.trim();
  if (!ref || /\s/.test(ref)) throw new Error(`invalid image reference "${reference}"`);
  const slash = ref.indexOf('/');
  const first = slash === -1 ? '' : ref.slice(0, slash);
  const hasRegistry = slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let named = hasRegistry ? ref : `docker.io/${slash === -1 ? `library/${ref}` : ref}`;
  if (named.startsWith('index.docker.io/')) named = `docker.io/${named.slice('index.docker.io/'.length)}`;
  if (/^docker\.io\/[^/]+$/.test(named.split('@')[0] ?? '')) named = named.replace(/^docker\.io\//, 'docker.io/library/');
  if (named.includes('@')) return named;
  const lastSlash = named.lastIndexOf('/');
  return named.slice(lastSlash).includes(':') ? named : `${named}:latest`;
}
