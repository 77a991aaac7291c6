import { DomainError } from '../../common/errors/domain-error.js';
import { isId } from '../../common/http/id-params.js';

export type JobRef = { kind: 'id'; id: string } | { kind: 'key'; app: string; name: string };

/** A job is addressed by its numeric id or its stable key `app:name`. */
export function parseJobRef(ref: string): JobRef {
  if (isId(ref)) return { kind: 'id', id: ref };
  const colon = ref.indexOf(':');
  if (colon > 0 && colon < ref.length - 1) return { kind: 'key', app: ref.slice(0, colon), name: ref.slice(colon + 1) };
  throw new DomainError('INVALID_ID', `"${ref.slice(0, 200)}" is neither a job id nor a job key; use the numeric id or app:name, e.g. billing:close-order.`);
}

export function jobKey(app: string, name: string): string {
  return `${app}:${name}`;
}
