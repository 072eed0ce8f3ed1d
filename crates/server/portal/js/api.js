// The JSON API client: same-origin fetches carrying the session cookie,
// errors as ApiError {status, code, message, field}.

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super((body && body.message) || `request failed (${status})`);
    this.status = status;
    this.code = body && body.code;
    this.field = body && body.field;
    this.retryAfter = retryAfter;
  }
}

export async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, { message: `the server cannot be reached (${e.message})` });
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = { message: text }; }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, json, Number(response.headers.get('Retry-After')) || null);
    if (response.status === 401 && !path.startsWith('/auth/')) {
      window.dispatchEvent(new CustomEvent('posture:signed-out'));
    }
    throw error;
  }
  return json;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const del = (path) => api('DELETE', path);

/** `?a=1&b=x` from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
