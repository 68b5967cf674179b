// HEALTHCHECK probe for the web app and the lab-runner images: exits 0 when the URL answers
// below 400 within 5 s (redirects are not followed: a redirect to sign-in is an answer), else 1.
// Node is in both images; the base has no curl.
const url = process.argv[2];
try {
  const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
  process.exit(response.status < 400 ? 0 : 1);
} catch {
  process.exit(1);
}
