// Client-side routing with the History API: links navigate without a page
// load; each page keeps its state (filters, page, columns) in the query
// string so that a URL restores the view.

const routes = [];
let current = null;
let outlet = null;
let guard = null;

/** Registers a page: `pattern` is a RegExp over the path; `load` gives the module. */
export function route(pattern, load) {
  routes.push({ pattern, load });
}

export function start(container, beforeEach) {
  outlet = container;
  guard = beforeEach;
  window.addEventListener('popstate', () => render());
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href]');
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (link.hasAttribute('download') || link.target === '_blank') return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || !isPortalPath(url.pathname)) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  return render();
}

function isPortalPath(path) {
  return !/^\/(cspm|auth|portal|openapi\.json|metrics|healthz|readyz)(\/|$)/.test(path);
}

export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  return render();
}

/** The current query as a URLSearchParams. */
export function params() {
  return new URLSearchParams(location.search);
}

/**
 * Writes page state into the query string without drawing the page again:
 * the page refreshes its own data. `push` adds a history entry (a filter
 * change); typing replaces the current one.
 */
export function setParams(updates, { push = false } = {}) {
  const search = params();
  for (const [key, value] of Object.entries(updates)) {
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) {
      search.delete(key);
    } else {
      search.set(key, Array.isArray(value) ? value.join(',') : String(value));
    }
  }
  const text = search.toString();
  const url = location.pathname + (text ? `?${text}` : '');
  if (url === location.pathname + location.search) return;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

/** A comma-separated list from the query. */
export function listParam(name) {
  const value = params().get(name);
  return value ? value.split(',').filter(Boolean) : [];
}

async function render() {
  if (current && current.leave) current.leave();
  current = null;
  const path = location.pathname;
  if (guard) {
    const redirect = await guard(path);
    if (redirect && redirect !== path) return navigate(redirect, { replace: true });
  }
  for (const { pattern, load } of routes) {
    const match = path.match(pattern);
    if (!match) continue;
    const page = await load();
    const view = { leave: null };
    current = view;
    const leave = await page.render(outlet(), match.slice(1), view);
    if (typeof leave === 'function' && current === view) view.leave = leave;
    document.dispatchEvent(new CustomEvent('posture:routed', { detail: { path } }));
    return;
  }
  navigate('/', { replace: true });
}
