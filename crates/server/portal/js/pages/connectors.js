// Connectors: Name, Type, Last Refreshed and State (Online, Pending,
// Refreshing, Offline with its error), with Refresh, Details and Delete
// (warning that billing counts active connectors), and New Connector.
// The list follows connectors that are being checked until they settle.
import { del, get, post } from '../api.js';
import { h, replace, toast } from '../dom.js';
import { chip, when } from '../format.js';
import { icon } from '../icons.js';
import { canWrite } from '../main.js';
import { confirmModal, openModal } from '../components/modal.js';
import { dataTable } from '../components/table.js';
import { newConnector } from './new-connector.js';

export function render(container, _match, view) {
  document.title = 'Connectors · posture';
  let timer = null;
  let left = false;
  const tableBox = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading connectors…'));
  const create = h('button', { type: 'button', class: 'primary', disabled: !canWrite(), onclick: () => newConnector(load) }, icon('plus'), 'New Connector');
  container.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Connectors'), h('span', { class: 'spacer' }), create),
    h('p', { class: 'note' }, 'A connector is posture\'s read-only access to one AWS account, Azure subscription or GCP project. Billing counts the connectors active in a month: refresh a connector in a bad state rather than deleting and re-adding it.'),
    tableBox);

  async function load() {
    clearTimeout(timer);
    let connectors = [];
    try {
      connectors = (await get('/cspm/connector')).connectors;
      if (left) return;
      replace(tableBox, dataTable({
        caption: 'Connectors', rows: connectors, rowKey: (c) => c.id, empty: 'No connector yet: use New Connector.',
        columns: [
          { key: 'name', label: 'Name', render: (c) => h('strong', {}, c.name) },
          { key: 'type', label: 'Type', render: (c) => (c.offline ? `${c.provider} (offline upload)` : c.provider) },
          { key: 'account', label: 'Cloud account', render: (c) => c.cloudAccountId },
          { key: 'refreshed', label: 'Last Refreshed', render: (c) => when(c.lastSyncedOn) },
          { key: 'state', label: 'State', render: (c) => [chip(c.state), c.state === 'Offline' && (c.error_message || c.error)
            ? h('span', { class: 'error-text connector-error' }, c.error_message || c.error) : null] },
          { key: 'actions', label: 'Actions', render: actions },
        ],
      }));
      tableBox.setAttribute('aria-busy', 'false');
    } catch (e) {
      replace(tableBox, h('div', { class: 'alert alert-error', role: 'alert' }, e.message));
    }
    if (!left && connectors.some((c) => c.state === 'Pending' || c.state === 'Refreshing')) timer = setTimeout(load, 1500);
  }

  function actions(c) {
    return h('div', { class: 'actions' },
      h('button', { type: 'button', 'aria-label': `Refresh ${c.name}`, disabled: !canWrite() || c.offline, onclick: async () => {
        try { await post(`/cspm/connector/${c.id}/refresh`); toast(`${c.name}: checking the connection`); } catch (e) { toast(e.message, 'error'); }
        load();
      } }, icon('refresh'), 'Refresh'),
      h('button', { type: 'button', 'aria-label': `Details of ${c.name}`, onclick: () => details(c.id) }, icon('info'), 'Details'),
      h('button', { type: 'button', 'aria-label': `Delete ${c.name}`, disabled: !canWrite(), onclick: () => remove(c) }, icon('trash'), 'Delete'));
  }

  async function details(id) {
    let c;
    try { c = await get(`/cspm/connector/${id}`); } catch (e) { toast(e.message, 'error'); return; }
    const rows = [
      ['Name', c.name], ['Description', c.description], ['Type', c.provider], ['State', chip(c.state)],
      ['Cloud account', c.cloudAccountId], ['Role ARN', c.arn], ['External ID', c.externalId],
      ['Application (client) ID', c.applicationId], ['Directory (tenant) ID', c.directoryId],
      ['Subscription ID', c.subscriptionId], ['Project ID', c.projectId], ['Service account', c.clientEmail],
      ['Assets', String(c.totalAssets)], ['Last Refreshed', when(c.lastSyncedOn)], ['Created', when(c.dateCreated)],
      ['Error', c.error_message || c.error],
    ].filter(([, v]) => v !== null && v !== undefined && v !== '');
    const close = h('button', { type: 'button' }, 'Close');
    const modal = openModal({ title: `Connector ${c.name}`, body: h('dl', { class: 'facts' },
      rows.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v)))), footer: [close] });
    close.addEventListener('click', modal.close);
  }

  async function remove(c) {
    const ok = await confirmModal({
      title: `Delete ${c.name}?`, confirmLabel: 'Delete connector', danger: true,
      message: [
        h('p', {}, `This removes the connector and every report on it, with their results.`),
        h('p', { class: 'alert alert-warn' }, 'Billing counts every connector that was active in a calendar month: deleting and re-adding a connector to fix its state does not lower the bill. Use Refresh for a connector stuck Pending or Offline.'),
      ],
    });
    if (!ok) return;
    try { await del(`/cspm/connector/${c.id}`); toast(`${c.name} deleted`); } catch (e) { toast(e.message, 'error'); }
    load();
  }

  view.leave = () => { left = true; clearTimeout(timer); };
  load();
  return view.leave;
}
