// The one fetch client every query uses: attaches the bearer token, turns problem+json into ApiError, and
// asks for a token (the sign-in dialog) when the API answers 401.

export interface FieldError {
  field: string;
  message: string;
}

/** An RFC 9457 problem the API answered with (or a network failure, status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly type: string;
  readonly errors: FieldError[];

  constructor(init: { status: number; title: string; detail?: string; type?: string; errors?: FieldError[] }) {
    super(init.detail ? `${init.title}: ${init.detail}` : init.title);
    this.name = 'ApiError';
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail ?? '';
    this.type = init.type ?? 'about:blank';
    this.errors = init.errors ?? [];
  }
}

const TOKEN_KEY = 'rollcall.token';
type Listener = () => void;
const listeners = new Set<Listener>();
let signInWanted = false;

/** The session: the stored token and whether the API has asked for one. */
export const session = {
  token(): string | null {
    try {
      return localStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  },
  setToken(token: string | null) {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
    signInWanted = false;
    emit();
  },
  signInWanted: () => signInWanted,
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

function emit() {
  for (const l of listeners) l();
}

export type QueryParams = Record<string, string | number | boolean | null | undefined>;

export function apiUrl(path: string, params: QueryParams = {}): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const qs = search.toString();
  return `/api/v1${path}${qs ? `?${qs}` : ''}`;
}

async function request<T>(
  method: string,
  path: string,
  { params, body, signal }: { params?: QueryParams; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  const token = session.token();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(apiUrl(path, params), {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError({
      status: 0,
      title: 'Network error',
      detail: `the API did not answer (${(err as Error).message})`,
    });
  }
  if (res.ok) return (await res.json()) as T;
  if (res.status === 401 && !signInWanted) {
    signInWanted = true;
    emit();
  }
  throw await toApiError(res);
}

async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const p = JSON.parse(text) as Partial<{ type: string; title: string; detail: string; errors: FieldError[] }>;
    return new ApiError({
      status: res.status,
      title: p.title ?? res.statusText,
      ...(p.detail ? { detail: p.detail } : {}),
      ...(p.type ? { type: p.type } : {}),
      ...(Array.isArray(p.errors) ? { errors: p.errors } : {}),
    });
  } catch {
    return new ApiError({
      status: res.status,
      title: res.statusText || `HTTP ${res.status}`,
      detail: text.slice(0, 200),
    });
  }
}

export const api = {
  get: <T>(path: string, params?: QueryParams, signal?: AbortSignal) =>
    request<T>('GET', path, { ...(params ? { params } : {}), ...(signal ? { signal } : {}) }),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, { body }),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/** Client errors will not get better by retrying; server and network errors back off (TanStack's default delay). */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 3;
}

export const enc = encodeURIComponent;
