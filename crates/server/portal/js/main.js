// The portal's entry point: who is signed in, the layout (top bar with the
// tenant and sign-out, the navigation rail), and the routes to each page.
import { get, post } from './api.js';
import { h, replace } from './dom.js';
import { icon } from './icons.js';
import { navigate, route, start } from './router.js';

let me = null;
let shell = null;

const NAV = [
  { path: '/', label: 'Overview', iconName: 'overview', match: /^\/($|overview|reports)/ },
  { path: '/resources', label: 'Resources', iconName: 'resources', match: /^\/resources/ },
  { path: '/connectors', label: 'Connectors', iconName: 'connectors', match: /^\/connectors/ },
  { path: '/policies', label: 'Policies', iconName: 'policies', match: /^\/policies/ },
];

route(/^\/login$/, () => import('./pages/login.js'));
route(/^\/(?:overview)?$/, () => import('./pages/overview.js'));
route(/^\/reports\/(\d+)(?:\/controls\/(\d+))?$/, () => import('./pages/report.js'));
route(/^\/resources$/, () => import('./pages/resources.js'));
route(/^\/connectors$/, () => import('./pages/connectors.js'));
route(/^\/policies(?:\/(\d+))?$/, () => import('./pages/policies.js'));

/** The signed-in user: {email, role, tenant}. */
export function user() {
  return me;
}

export function canWrite() {
  return me && me.role === 'admin';
}

async function guard(path) {
  if (!me) {
    try { me = await get('/auth/me'); } catch { me = null; }
  }
  if (!me && path !== '/login') {
    const next = path + location.search;
    return `/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`;
  }
  if (me && path === '/login') return '/';
  return null;
}

function outlet() {
  const app = document.getElementById('app');
  if (location.pathname === '/login') {
    shell = null;
    app.replaceChildren();
    return app;
  }
  if (!shell) shell = drawShell(app);
  markCurrent();
  const main = shell.querySelector('main');
  main.replaceChildren();
  main.focus({ preventScroll: true });
  return main;
}

function drawShell(app) {
  const signOut = h('button', { type: 'button', onclick: signOutNow }, icon('logout'), 'Sign out');
  const layout = h('div', { class: 'shell' },
    h('header', { class: 'topbar' },
      h('a', { class: 'brand', href: '/' }, icon('shield'), 'posture'),
      h('span', { class: 'spacer' }),
      h('span', { class: 'tenant', 'data-testid': 'tenant' }, 'Tenant ', h('strong', {}, me.tenant)),
      h('span', { class: 'note' }, `${me.email} · ${me.role}`),
      signOut),
    h('nav', { class: 'sidenav', 'aria-label': 'Main' }, h('ul', {}, NAV.map((item) => h('li', {},
      h('a', { href: item.path, dataset: { nav: item.label } }, icon(item.iconName), item.label))))),
    h('main', { id: 'main', tabindex: '-1' }));
  replace(app, layout);
  return layout;
}

function markCurrent() {
  for (const link of shell.querySelectorAll('.sidenav a')) {
    const item = NAV.find((n) => n.label === link.dataset.nav);
    if (item.match.test(location.pathname)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function signOutNow() {
  try { await post('/auth/logout'); } catch { /* signed out either way */ }
  me = null;
  shell = null;
  navigate('/login');
}

/** After a login: remember the user and go where they were going. */
export function signedIn(who, next) {
  me = who;
  navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/');
}

window.addEventListener('posture:signed-out', () => {
  if (location.pathname === '/login') return;
  me = null;
  shell = null;
  navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
});

start(outlet, guard);
