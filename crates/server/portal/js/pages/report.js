// A report: its header (mandate, connector, provider, last run, pass/fail),
// the pass % over its runs, the requirement tree, the controls with their
// result counts, and, at /reports/{id}/controls/{cid}, one control's
// rationale, remediation steps and resources.
// URL state: ?status=FAIL&q=encryption
import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { chip, count, severity, when } from '../format.js';
import { icon } from '../icons.js';
import { params, setParams } from '../router.js';
import { passBar } from '../components/passbar.js';
import { dataTable } from '../components/table.js';
import { trendChart } from '../components/trend-chart.js';

const STATUSES = ['FAIL', 'PASS', 'ERROR', 'NOT_APPLICABLE'];

export async function render(container, [id, cid]) {
  const box = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading the report…'));
  container.append(box);
  let details; let item; let runs;
  try {
    [details, runs] = await Promise.all([get(`/cspm/report/${id}`), get(`/cspm/report/${id}/runs`)]);
    item = (await get('/cspm/report/list')).find((r) => String(r.reportId) === id) || {};
  } catch (e) {
    replace(box, h('div', { class: 'alert alert-error', role: 'alert' }, e.status === 404 ? 'No such report.' : e.message));
    return;
  }
  document.title = `${details.title} · posture`;
  const header = h('section', { class: 'panel', 'aria-labelledby': 'report-title' },
    h('div', { class: 'crumbs' }, h('a', { href: '/' }, 'Overview'), ' / ', details.title),
    h('div', { class: 'page-head' },
      h('h1', { id: 'report-title' }, details.title), h('span', { class: 'spacer' }),
      h('a', { class: 'button', href: `/cspm/report/${id}/export`, download: `report-${id}.csv` }, icon('download'), 'Export results')),
    h('dl', { class: 'facts' },
      fact('Mandate', details.mandateName),
      fact('Connector', item.connectorName || '—'),
      fact('Provider', details.cloudType),
      fact('Cloud account', details.accountId),
      fact('Last run', when(details.lastRunDate)),
      fact('Controls', `${count(details.passCount)} passed · ${count(details.failCount)} failed · ${count(details.errorCount)} errors · ${count(details.notApplicableCount)} not applicable`),
      fact('Pass/Fail', passBar(details, { wide: true }))),
    details.lastRunState === 'failed' ? h('p', { class: 'alert alert-error' }, `The last run failed: ${details.lastRunError}`) : null,
    details.collectionErrors.length ? h('details', {}, h('summary', {}, `${details.collectionErrors.length} things could not be read`),
      h('ul', {}, details.collectionErrors.map((e) => h('li', {}, e)))) : null);

  const controlBox = h('div');
  const grid = h('div', { class: 'report-grid' },
    h('section', { class: 'panel', 'aria-labelledby': 'trend-title' }, h('h2', { id: 'trend-title' }, 'Pass % over runs'), trendChart(runs.runs)),
    h('section', { class: 'panel', 'aria-labelledby': 'tree-title' }, h('h2', { id: 'tree-title' }, 'Requirements'), requirementTree(details.requirements)));
  replace(box, header, controlBox, grid, controlsPanel(id, details.controls));
  box.setAttribute('aria-busy', 'false');
  if (cid) {
    await controlDetails(controlBox, id, Number(cid), details.controls);
  }
}

function fact(label, value) {
  return [h('div', {}, h('dt', {}, label), h('dd', {}, value))];
}

function requirementTree(requirements) {
  if (!requirements.length) return h('p', { class: 'empty' }, 'Results appear after the first run.');
  return h('ul', { class: 'tree', 'aria-label': 'Requirement tree' }, requirements.map((r) => {
    const li = h('li', { dataset: { requirement: r.requirementId }, 'aria-level': String(r.depth + 1) },
      h('span', { class: 'req-id' }, r.requirementId),
      h('span', { class: 'req-title' }, r.requirementName),
      r.manual ? chip('manual', 'Manual') : chip(r.status, statusLabel(r.status)),
      h('span', { class: 'counts' }, `${r.passCount} pass · ${r.failCount} fail`));
    li.style.paddingLeft = `${0.25 + r.depth * 1.1}rem`;
    return li;
  }));
}

function statusLabel(status) {
  return { PASS: 'Pass', FAIL: 'Fail', ERROR: 'Error', NOT_APPLICABLE: 'Not applicable', MANUAL: 'Manual' }[status] || status;
}

function controlsPanel(id, controls) {
  const status = h('select', { id: 'control-status' },
    h('option', { value: '' }, 'All results'), STATUSES.map((s) => h('option', { value: s }, statusLabel(s))));
  const search = h('input', { id: 'control-search', type: 'search', class: 'search', placeholder: 'CID or title' });
  status.value = params().get('status') || '';
  search.value = params().get('q') || '';
  const tableBox = h('div');
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const rows = controls.filter((c) => (!status.value || c.status === status.value)
      && (!q || String(c.controlId).includes(q) || c.controlName.toLowerCase().includes(q)));
    replace(tableBox, dataTable({
      caption: 'Controls', rowKey: (c) => c.controlId, rows, empty: 'No control matches.',
      columns: [
        { key: 'cid', label: 'CID', className: 'num', render: (c) => String(c.controlId) },
        { key: 'title', label: 'Control', className: 'wrap', render: (c) => h('a', { href: `/reports/${id}/controls/${c.controlId}${location.search}`, class: 'control-link' }, c.controlName) },
        { key: 'severity', label: 'Severity', render: (c) => severity(c.severity) },
        { key: 'result', label: 'Result', render: (c) => chip(c.status, statusLabel(c.status)) },
        { key: 'pass', label: 'Passed', className: 'num', render: (c) => count(c.passCount) },
        { key: 'fail', label: 'Failed', className: 'num', render: (c) => count(c.failCount) },
        { key: 'error', label: 'Errors', className: 'num', render: (c) => count(c.errorCount) },
      ],
    }));
  };
  status.addEventListener('change', () => { setParams({ status: status.value }, { push: true }); draw(); });
  search.addEventListener('input', () => { setParams({ q: search.value.trim() }); draw(); });
  draw();
  return h('section', { class: 'panel', 'aria-labelledby': 'controls-title' },
    h('h2', { id: 'controls-title' }, `Controls (${controls.length})`),
    h('div', { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: 'control-search' }, 'Search controls'), search),
      h('div', { class: 'field' }, h('label', { for: 'control-status' }, 'Result'), status)),
    tableBox);
}

async function controlDetails(box, id, cid, controls) {
  const outcome = controls.find((c) => c.controlId === cid);
  let remediation; let resources;
  try {
    [remediation, resources] = await Promise.all([
      get(`/cspm/control/${cid}/remediation`), get(`/cspm/report/${id}/control/${cid}/resources`)]);
  } catch (e) {
    replace(box, h('div', { class: 'alert alert-error', role: 'alert' }, e.message));
    return;
  }
  const heading = h('h2', { id: 'control-title', tabindex: '-1' }, `CID ${cid}: ${remediation.controlName}`);
  const steps = [['In the console', remediation.console], ['With the CLI', remediation.cli], ['As code', remediation.iac]]
    .filter(([, text]) => text);
  replace(box, h('section', { class: 'panel control-details', 'aria-labelledby': 'control-title', id: 'control' },
    h('div', { class: 'page-head' }, heading, h('span', { class: 'spacer' }),
      outcome ? chip(outcome.status, statusLabel(outcome.status)) : null, severity(remediation.severity),
      h('a', { href: `/reports/${id}${location.search}` }, 'Close control')),
    h('h3', {}, 'Rationale'), h('p', { class: 'rationale' }, remediation.rationale),
    h('h3', { id: 'remediation' }, 'Remediation steps'),
    steps.map(([label, text]) => [h('h4', {}, label), h('pre', { class: 'steps' }, text)]),
    remediation.references.length ? [h('h3', {}, 'References'), h('ul', {}, remediation.references.map((r) => h('li', {}, r)))] : null,
    h('h3', {}, `Resources (${resources.length})`),
    dataTable({
      caption: `Resources checked by control ${cid}`, rows: resources, rowKey: (r) => r.id, empty: 'No resource of this kind was found.',
      columns: [
        { key: 'name', label: 'Name', className: 'wrap', render: (r) => r.resourceName },
        { key: 'type', label: 'Type', render: (r) => r.resourceType },
        { key: 'region', label: 'Region', render: (r) => r.region },
        { key: 'status', label: 'Status', render: (r) => chip(r.status, statusLabel(r.status)) },
        { key: 'message', label: 'Why', className: 'wrap', render: (r) => r.message || '' },
      ],
    })));
  heading.focus();
}
