// A menu button (WAI-ARIA menu pattern): the button toggles a list of menu
// items; arrows move between them, Escape closes and returns focus,
// clicking outside closes. Items are actions or checkboxes.
import { h, uid } from '../dom.js';
import { icon } from '../icons.js';

/**
 * items(): [{label, onSelect}] or [{key, label, checked, disabled, onToggle(checked)}]
 * or {heading: 'Columns'}; called each time the menu opens.
 */
export function menuButton({ label, iconName, items, text, className = '' }) {
  const menuId = uid('menu');
  const button = h('button', {
    type: 'button', class: `menu-button ${className}`, 'aria-haspopup': 'menu', 'aria-expanded': 'false',
    'aria-controls': menuId, 'aria-label': text ? false : label, title: label,
  }, iconName ? icon(iconName) : null, text || null);
  const menu = h('ul', { class: 'menu', role: 'menu', id: menuId, 'aria-label': label, hidden: true });
  const wrap = h('div', { class: 'menu-wrap' }, button, menu);

  const entries = () => [...menu.querySelectorAll('[role^="menuitem"]:not([aria-disabled="true"])')];
  const close = (focusButton = true) => {
    if (menu.hidden) return;
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', outside, true);
    if (focusButton) button.focus();
  };
  const outside = (event) => { if (!wrap.contains(event.target)) close(false); };
  const open = () => {
    draw();
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    document.addEventListener('pointerdown', outside, true);
    const first = entries()[0];
    if (first) first.focus();
  };
  const draw = () => {
    menu.replaceChildren(...items().map((item) => {
      if (item.heading) return h('li', { class: 'menu-heading', role: 'presentation' }, item.heading);
      if ('checked' in item) {
        return h('li', { role: 'none' }, h('button', {
          type: 'button', role: 'menuitemcheckbox', 'aria-checked': String(item.checked),
          'aria-disabled': item.disabled ? 'true' : false, tabindex: '-1', dataset: { key: item.key || '' },
          onclick: () => {
            if (item.disabled) return;
            item.onToggle(!item.checked);
            draw();
            const again = menu.querySelector(`[data-key="${item.key}"]`);
            if (again) again.focus();
          },
        }, h('span', { class: 'check' }, item.checked ? icon('check') : null), item.label,
        item.disabled ? h('span', { class: 'note' }, '(always shown)') : null));
      }
      return h('li', { role: 'none' }, h('button', {
        type: 'button', role: 'menuitem', tabindex: '-1',
        onclick: () => { close(); item.onSelect(); },
      }, item.label));
    }));
  };
  button.addEventListener('click', () => (menu.hidden ? open() : close()));
  menu.addEventListener('keydown', (event) => {
    const list = entries();
    const at = list.indexOf(document.activeElement);
    if (event.key === 'Escape') { event.preventDefault(); event.stopPropagation(); close(); }
    else if (event.key === 'ArrowDown') { event.preventDefault(); list[(at + 1) % list.length]?.focus(); }
    else if (event.key === 'ArrowUp') { event.preventDefault(); list[(at - 1 + list.length) % list.length]?.focus(); }
    else if (event.key === 'Home') { event.preventDefault(); list[0]?.focus(); }
    else if (event.key === 'End') { event.preventDefault(); list[list.length - 1]?.focus(); }
    else if (event.key === 'Tab') close(false);
  });
  return wrap;
}
