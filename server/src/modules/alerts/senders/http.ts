/** How a chat API reports an error in a 200 response; null when the body says it was accepted. */
export type BodyCheck = (body: unknown) => string | null;

const MAX_QUOTED = 200;

/**
 * POSTs `body` as JSON with a timeout (global fetch). Fails on a non-2xx status, on a network
 * error or timeout, and when `check` finds an error in the (JSON) answer. Redirects are not
 * followed: a webhook that moved is a configuration error to see, not to chase.
 */
export async function postJson(url: string, body: unknown, opts: { timeoutMs: number; headers?: Record<string, string>; check?: BodyCheck }): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Baton-Alerts/1', ...opts.headers },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (error) {
    throw new Error(describeFetchError(error, opts.timeoutMs));
  }
  const text = await res.text().catch(() => '');
  if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status}${text ? `: ${quote(text)}` : ''}`);
  if (!opts.check) return;
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new Error(`HTTP ${res.status} with a body that is not JSON: ${quote(text)}`);
  }
  const problem = opts.check(parsed);
  if (problem) throw new Error(problem);
}

/** DingTalk and WeCom answer `{ errcode: 0, errmsg: "ok" }`. */
export const errcodeCheck: BodyCheck = (body) => {
  const b = body as { errcode?: unknown; errmsg?: unknown } | undefined;
  if (b && b.errcode === 0) return null;
  return `refused: errcode ${String(b?.errcode ?? '(none)')}${b?.errmsg ? ` ${quote(String(b.errmsg))}` : ''}`;
};

function describeFetchError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `request failed: ${cause ?? e?.message ?? String(error)}`;
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= MAX_QUOTED ? flat : `${flat.slice(0, MAX_QUOTED)}…`;
}
