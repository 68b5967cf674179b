// What counts as an unexpected answer. The embedded API server must answer every error the
// way a Kubernetes API server does: a `Status` with kind, apiVersion, status, message, reason
// and code, the code equal to the HTTP status. A 500 is always unexpected (the learner found
// a path the server did not handle). Answers that Node's HTTP layer gives on its own to bytes
// that are not HTTP (400, 413, 417, 431, 505 without a body) are what Go's net/http gives
// a real API server's clients too, so they pass.

export interface Verdict {
  ok: boolean;
  problem?: string;
}

const OK: Verdict = { ok: true };
const TRANSPORT_CODES = new Set([400, 413, 417, 431, 505]);

/** Checks a Status body (parsed JSON) against the HTTP status it came with. */
export function checkStatusBody(value: unknown, httpStatus: number): Verdict {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: `error body is not an object` };
  const s = value as Record<string, unknown>;
  const missing = ['kind', 'apiVersion', 'status', 'message', 'reason', 'code'].filter((k) => s[k] === undefined || s[k] === null);
  if (missing.length > 0) return { ok: false, problem: `Status lacks ${missing.join(', ')}` };
  if (s['kind'] !== 'Status' || s['apiVersion'] !== 'v1') return { ok: false, problem: `kind/apiVersion ${String(s['kind'])}/${String(s['apiVersion'])}` };
  if (s['status'] !== 'Failure') return { ok: false, problem: `status "${String(s['status'])}" on HTTP ${httpStatus}` };
  if (typeof s['message'] !== 'string' || typeof s['reason'] !== 'string') return { ok: false, problem: 'message or reason is not a string' };
  if (s['code'] !== httpStatus) return { ok: false, problem: `code ${String(s['code'])} on HTTP ${httpStatus}` };
  return OK;
}

/** Judges one answer of the API server. `transport` marks bytes that may not have been HTTP at all. */
export function judgeApiAnswer(status: number, contentType: string | undefined, body: Buffer, options: { transport?: boolean; method?: string } = {}): Verdict {
  if (status >= 500) return { ok: false, problem: `HTTP ${status}: ${body.toString('utf8').slice(0, 300)}` };
  if (status < 400) {
    // A JSON answer must be JSON (watches and logs are streams, cut off mid-way: not judged).
    if (status === 200 || status === 201) {
      if (options.method === 'HEAD' || body.length === 0) return OK;
      if ((contentType ?? '').startsWith('application/json') && !isStreamed(body)) {
        try {
          JSON.parse(body.toString('utf8'));
        } catch {
          return { ok: false, problem: `HTTP ${status} with a body that is not JSON: ${body.toString('utf8').slice(0, 200)}` };
        }
      }
    }
    return OK;
  }
  // API Priority and Fairness refuses for rate in plain text, as kube-apiserver does (its exact words).
  if (status === 429 && !(contentType ?? '').startsWith('application/json') && body.toString('utf8') === 'Too many requests, please try again later.\n') return OK;
  if (options.transport && TRANSPORT_CODES.has(status) && !(contentType ?? '').startsWith('application/json')) return OK;
  if (options.method === 'HEAD' && body.length === 0) return OK;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, problem: `HTTP ${status} without a Status body: ${JSON.stringify(body.toString('utf8').slice(0, 200))}` };
  }
  const verdict = checkStatusBody(parsed, status);
  return verdict.ok ? verdict : { ok: false, problem: `HTTP ${status}: ${verdict.problem}: ${body.toString('utf8').slice(0, 300)}` };
}

/** Newline-separated watch events, possibly cut off. */
function isStreamed(body: Buffer): boolean {
  const text = body.toString('utf8');
  return text.startsWith('{"type":') || text.includes('}\n{');
}

/** The Status a streaming session ends with (channel 3, or SPDY's error stream): JSON with a known status. */
export function judgeStreamStatus(text: string): Verdict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problem: `stream status is not JSON: ${text.slice(0, 200)}` };
  }
  const s = parsed as Record<string, unknown> | null;
  if (!s || (s['status'] !== 'Success' && s['status'] !== 'Failure')) return { ok: false, problem: `stream status without Success/Failure: ${text.slice(0, 200)}` };
  if (s['status'] === 'Failure' && (typeof s['message'] !== 'string' || typeof s['reason'] !== 'string')) return { ok: false, problem: `failure status without message/reason: ${text.slice(0, 200)}` };
  if (s['code'] === 500 || s['reason'] === 'InternalError') {
    // An exec the container runtime could not run is the runtime's error, as a kubelet reports it;
    // anything else internal is the server's own failure.
    if (!/error executing command in container|error attaching to container/.test(String(s['message']))) return { ok: false, problem: `stream ended with an internal error: ${text.slice(0, 300)}` };
  }
  return OK;
}
