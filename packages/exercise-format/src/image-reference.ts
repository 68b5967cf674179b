// Image references as users write them (`busybox`, `busybox:latest`, `docker.io/library/busybox`)
// normalised to one form, so checks compare what is meant rather than how it is spelled.

/** `busybox` -> `docker.io/library/busybox:latest`; a digest is kept, a tag defaults to latest. */
export function normalizeImageReference(reference: string): string {
  let rest = reference.trim();
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasRegistry ? first : 'docker.io';
  let path = hasRegistry ? rest.slice(slash + 1) : rest;
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  const colon = path.lastIndexOf(':');
  let tag = '';
  if (colon > path.lastIndexOf('/')) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
  }
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  if (tag === '' && digest === '') tag = 'latest';
  return `${registry}/${path}${tag === '' ? '' : `:${tag}`}${digest}`;
}

export function sameImage(a: string, b: string): boolean {
  return normalizeImageReference(a) === normalizeImageReference(b);
}

/**
 * Whether a Pod's image satisfies an exercise's expected image. An expected reference without
 * a tag or digest accepts any tag of that repository (`busybox` matches `busybox:1.36`); the
 * runner's `containers` check also requires that the node could pull it (`busybox:nope` fails).
 */
export function imageMatches(expected: string, actual: string): boolean {
  const wanted = normalizeImageReference(expected);
  const found = normalizeImageReference(actual);
  const written = expected.trim();
  const lastSegment = written.slice(written.lastIndexOf('/') + 1);
  if (written.includes('@') || lastSegment.includes(':')) return wanted === found;
  return repositoryOf(wanted) === repositoryOf(found);
}

function repositoryOf(normalized: string): string {
  const at = normalized.indexOf('@');
  const withoutDigest = at >= 0 ? normalized.slice(0, at) : normalized;
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
}
