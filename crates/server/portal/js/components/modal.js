// Modal dialogs on the native <dialog>: showModal() traps focus and makes
// the page behind inert; Escape closes; the dialog is labelled by its title
// and removed when closed, focus going back where it was.
import { h, uid } from '../dom.js';
import { icon } from '../icons.js';

export function openModal({ title, body, footer = [], wide = false, onClose }) {
  const titleId = uid('dialog-title');
  const previous = document.activeElement;
  const closeButton = h('button', { type: 'button', class: 'icon-only', 'aria-label': 'Close', title: 'Close' }, icon('close'));
  const dialog = h('dialog', { class: wide ? 'wide' : '', 'aria-labelledby': titleId, 'aria-modal': 'true' },
    h('div', { class: 'modal-head' }, h('h2', { id: titleId }, title), closeButton),
    h('div', { class: 'modal-body' }, body),
    footer.length ? h('div', { class: 'modal-foot' }, footer) : null);
  const close = () => { if (dialog.open) dialog.close(); };
  closeButton.addEventListener('click', close);
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (onClose) onClose();
    if (previous && previous.isConnected) previous.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  const first = dialog.querySelector('.modal-body input, .modal-body select, .modal-body textarea, .modal-body button');
  (first || closeButton).focus();
  return { dialog, close };
}

/** Asks to confirm; resolves true when confirmed. */
export function confirmModal({ title, message, confirmLabel, danger = false }) {
  return new Promise((resolve) => {
    let confirmed = false;
    const confirm = h('button', { type: 'button', class: danger ? 'danger' : 'primary' }, confirmLabel);
    const cancel = h('button', { type: 'button' }, 'Cancel');
    const modal = openModal({ title, body: message, footer: [cancel, confirm], onClose: () => resolve(confirmed) });
    cancel.addEventListener('click', modal.close);
    confirm.addEventListener('click', () => { confirmed = true; modal.close(); });
    cancel.focus();
  });
}
