// Overview: the tenant's reports with their pass/fail bars, the provider
// filter (providers with a connector), the column settings, Export to CSV,
// New Report, and Run / Re-run with the next time a run is allowed.
// URL state: ?provider=AWS&hide=mandate,lastRun
import { ApiError, get, post, query } from '../api.js';
import { h, replace, toast } from '../dom.js';
import { when, localText } from '../format.js';
import { icon } from '../icons.js';
import { canWrite } from '../main.js';
import { listParam, params, setParams } from '../router.js';
import { menuButton } from '../components/menu.js';
import { passBar } from '../components/passbar.js';
import { dataTable } from '../components/table.js';
import { newReport } from './new-report.js';

const OPTIONAL = [
  { key: 'passFail', label: 'Pass/Fail' },
  { key: 'mandate', label: 'Mandate' },
  { key: 'lastRun', label: 'Last Run On' },
];

export function render(container, _match, view) {
  document.title = 'Overview · posture';
  let connectors = [];
  let reports = [];
  let timer = null;
  let left = false;

  const providerSelect = h('select', { id: 'overview-provider', onchange: () => { setParams({ provider: providerSelect.value }, { push: true }); load(); } });
  const exportLink = h('a', { class: 'button', href: '/cspm/report/list/export', download: 'reports.csv', 'data-testid': 'export-reports' }, icon('download'), 'Export to CSV');
  const settings = menuButton({
    label: 'Filters and Settings', iconName: 'filter', text: 'Filters and Settings',
    items: () => [{ heading: 'Columns' },
      { key: 'name', label: 'Name', checked: true, disabled: true, onToggle: () => {} },
      ...OPTIONAL.map((c) => ({
        key: c.key, label: c.label, checked: !listParam('hide').includes(c.key),
        onToggle: (show) => {
          const hidden = new Set(listParam('hide'));
          if (show) hidden.delete(c.key); else hidden.add(c.key);
          setParams({ hide: [...hidden] }, { push: true });
          draw();
        },
      }))],
  });
  const create = h('button', { type: 'button', class: 'primary', disabled: !canWrite(), onclick: () => newReport(connectors, load) }, icon('plus'), 'New Report');
  const tableBox = h('div', { 'aria-live': 'polite', 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading reports…'));

  container.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Overview'), h('span', { class: 'spacer' }), create),
    h('div', { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: 'overview-provider' }, 'Provider'), providerSelect),
      h('span', { class: 'spacer' }), exportLink, settings),
    tableBox);

  function drawProviders() {
    const have = [...new Set(connectors.map((c) => c.provider))].sort();
    const chosen = params().get('provider') || '';
    replace(providerSelect, h('option', { value: '' }, 'All providers'),
      have.map((p) => h('option', { value: p, selected: p === chosen }, p)));
    providerSelect.value = have.includes(chosen) ? chosen : '';
  }

  async function load() {
    clearTimeout(timer);
    try {
      connectors = (await get('/cspm/connector')).connectors;
      drawProviders();
      const provider = params().get('provider') || '';
      reports = await get(`/cspm/report/list${query({ provider })}`);
      exportLink.href = `/cspm/report/list/export${query({ provider })}`;
      draw();
    } catch (e) {
      replace(tableBox, h('div', { class: 'alert alert-error', role: 'alert' }, e.message));
    }
    // Keep following runs that are under way.
    if (!left && reports.some((r) => r.lastRunState === 'queued' || r.lastRunState === 'running')) {
      timer = setTimeout(load, 1500);
    }
  }

  function draw() {
    const hidden = new Set(listParam('hide'));
    const columns = [
      { key: 'name', label: 'Name', render: (r) => h('a', { href: `/reports/${r.reportId}`, class: 'report-link' }, r.title) },
      { key: 'passFail', label: 'Pass/Fail', render: (r) => passBar(r) },
      { key: 'lastRun', label: 'Last Run On', render: (r) => when(r.lastRunDate) },
      { key: 'mandate', label: 'Mandate', render: (r) => r.mandateName },
      { key: 'connector', label: 'Connector', render: (r) => `${r.connectorName} (${r.cloudType})` },
      { key: 'run', label: 'Run', render: runCell },
    ];
    replace(tableBox, dataTable({ columns, rows: reports, hidden, caption: 'Reports', rowKey: (r) => r.reportId,
      empty: connectors.length ? 'No reports yet: use New Report.' : 'Add a connector first (Connectors tab), then create a report.' }));
    tableBox.setAttribute('aria-busy', 'false');
  }

  function runCell(r) {
    const busy = r.lastRunState === 'queued' || r.lastRunState === 'running';
    // The server says when its hourly limit allows the next run.
    const next = r.nextRunAt || null;
    const label = r.lastRunDate ? 'Re-run' : 'Run';
    const button = h('button', {
      type: 'button', class: 'run-button', disabled: busy || Boolean(next) || !canWrite(),
      'aria-label': `${label} ${r.title}`,
      onclick: async () => {
        button.disabled = true;
        try {
          await post(`/cspm/report/run${query({ reportConfigId: r.reportId })}`);
          toast(`${r.title}: the run is queued`);
        } catch (e) {
          const wait = e instanceof ApiError && e.retryAfter ? ` (try again after ${localText(new Date(Date.now() + e.retryAfter * 1000).toISOString())})` : '';
          toast(`${e.message}${wait}`, 'error');
        }
        load();
      },
    }, icon('play'), label);
    const status = busy
      ? h('span', { class: `chip chip-${r.lastRunState}` }, r.lastRunState === 'queued' ? 'Queued' : 'Running')
      : next ? h('span', { class: 'note next-run' }, 'Next run after ', when(next)) : null;
    const failed = r.lastRunState === 'failed' ? h('span', { class: 'error-text' }, `Last run failed: ${r.lastRunError || 'unknown error'}`) : null;
    return h('div', { class: 'actions' }, button, status, failed);
  }

  view.leave = () => { left = true; clearTimeout(timer); };
  load();
  return view.leave;
}
