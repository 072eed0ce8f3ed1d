// Sign in with email and password; the server sets the session cookie.
import { post } from '../api.js';
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { signedIn } from '../main.js';

export function render(container) {
  const email = h('input', { id: 'login-email', type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { id: 'login-password', type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const error = h('div', { class: 'alert alert-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { 'aria-labelledby': 'login-title', novalidate: true },
    h('h1', { id: 'login-title', class: 'visually-hidden' }, 'Sign in to posture'),
    h('div', { class: 'field' }, h('label', { for: 'login-email' }, 'Email'), email),
    h('div', { class: 'field' }, h('label', { for: 'login-password' }, 'Password'), password),
    error, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    try {
      const who = await post('/auth/login', { email: email.value, password: password.value });
      signedIn({ email: who.email, role: who.role, tenant: who.tenant }, new URLSearchParams(location.search).get('next'));
    } catch (e) {
      error.textContent = e.status === 401 ? 'Wrong email or password.' : e.message;
      error.hidden = false;
      password.focus();
    } finally {
      submit.disabled = false;
    }
  });
  container.append(h('main', { id: 'main', class: 'login' },
    h('div', { class: 'brand' }, icon('shield'), 'posture'),
    h('div', { class: 'panel' }, form)));
  document.title = 'Sign in · posture';
  email.focus();
}
