// The resource modal: the resource's information, then every control that
// evaluated it across all reports (Control with CID and a link to its
// remediation steps, Report, Date Evaluated, Severity, Result), filtered by
// Result and Report, searched over control and report, paged up to 100,
// and the current selection exported to CSV.
// URL state (beside the page's): ?resource=&rresult=&rreport=&rsearch=&rtop=&rskip=
import { get, query } from '../api.js';
import { h, replace } from '../dom.js';
import { chip, severity, when } from '../format.js';
import { icon } from '../icons.js';
import { params, setParams } from '../router.js';
import { openModal } from '../components/modal.js';
import { dataTable, pager } from '../components/table.js';

export async function openResource(id, onClose) {
  const info = h('dl', { class: 'facts' }, h('div', {}, h('dt', {}, 'Loading…')));
  const result = h('select', { id: 'evaluation-result' },
    h('option', { value: '' }, 'All results'), h('option', { value: 'FAIL' }, 'Fail'),
    h('option', { value: 'PASS' }, 'Pass'), h('option', { value: 'ERROR' }, 'Error'));
  const report = h('select', { id: 'evaluation-report' }, h('option', { value: '' }, 'All reports'));
  const search = h('input', { id: 'evaluation-search', type: 'search', class: 'search', placeholder: 'Control or report' });
  const tableBox = h('div', { 'aria-busy': 'true' });
  const pagerBox = h('div');
  const exportLink = h('a', { class: 'button', download: `resource-${id}-controls.csv`, 'data-testid': 'export-evaluations' }, icon('download'), 'Export selection to CSV');
  const p = params();
  result.value = p.get('rresult') || '';
  search.value = p.get('rsearch') || '';
  const field = (label, control) => h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
  const modal = openModal({
    title: 'Controls evaluated', wide: true, onClose,
    body: [
      h('section', { 'aria-label': 'Resource information' }, info),
      h('div', { class: 'toolbar' }, field('Search', search), field('Result', result), field('Report', report)),
      tableBox,
    ],
    footer: [exportLink, h('span', { class: 'spacer' }), pagerBox],
  });
  let typing = null;
  let generation = 0;

  async function load() {
    const mine = ++generation;
    const q = params();
    const top = Math.min(100, Math.max(1, Number(q.get('rtop')) || 25));
    const skip = Math.max(0, Number(q.get('rskip')) || 0);
    const filters = { result: q.get('rresult') || '', reportId: q.get('rreport') || '', search: q.get('rsearch') || '', top, skip };
    tableBox.setAttribute('aria-busy', 'true');
    try {
      const page = await get(`/cspm/resources/${id}/evaluations${query(filters)}`);
      if (mine !== generation || !modal.dialog.open) return;
      replace(tableBox, dataTable({
        caption: 'Controls evaluated on this resource', rows: page.data, empty: 'No evaluation matches.',
        rowKey: (e) => `${e.reportId}-${e.controlId}`,
        columns: [
          { key: 'control', label: 'Control', className: 'wrap', render: (e) => [
            h('div', {}, h('strong', {}, `CID ${e.controlId}`), ' ', e.controlName),
            h('a', { href: `/reports/${e.reportId}/controls/${e.controlId}`, class: 'remediation-link', onclick: () => modal.close() }, 'Remediation steps')] },
          { key: 'report', label: 'Report', render: (e) => e.reportName },
          { key: 'date', label: 'Date Evaluated', render: (e) => when(e.evaluatedOn) },
          { key: 'severity', label: 'Severity', render: (e) => severity(e.severity) },
          { key: 'result', label: 'Result', render: (e) => chip(e.result, e.result === 'PASS' ? 'Pass' : e.result === 'FAIL' ? 'Fail' : 'Error') },
        ],
      }));
      replace(pagerBox, pager({
        skip, top, total: page.total, label: 'evaluations', sizes: [10, 25, 50, 100],
        onPage: (next) => { setParams({ rskip: next || '' }); load(); },
        onSize: (size) => { setParams({ rtop: size, rskip: '' }); load(); },
      }));
      exportLink.href = `/cspm/resources/${id}/evaluations/export${query(filters)}`;
    } catch (e) {
      replace(tableBox, h('div', { class: 'alert alert-error', role: 'alert' }, e.message));
    }
    tableBox.setAttribute('aria-busy', 'false');
  }

  result.addEventListener('change', () => { setParams({ rresult: result.value, rskip: '' }); load(); });
  report.addEventListener('change', () => { setParams({ rreport: report.value, rskip: '' }); load(); });
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => { setParams({ rsearch: search.value.trim(), rskip: '' }); load(); }, 250);
  });

  try {
    const [[resource], reports] = await Promise.all([get(`/cspm/resources/${id}`), get('/cspm/report/list')]);
    const fact = (label, value) => h('div', {}, h('dt', {}, label), h('dd', {}, value));
    replace(info,
      fact('Name', resource.resourceName),
      fact('Type', resource.resourceType),
      fact('Cloud Account Id', resource.cloudAccountId),
      fact('Last Found', when(resource.dateLastFound)),
      fact('Date Discovered', when(resource.dateDiscovered)),
      fact('Region', resource.region || '—'),
      fact('Id', resource.resourceId));
    replace(report, h('option', { value: '' }, 'All reports'),
      reports.map((r) => h('option', { value: String(r.reportId) }, r.title)));
    report.value = params().get('rreport') || '';
  } catch (e) {
    replace(info, h('div', { class: 'alert alert-error', role: 'alert' }, e.message));
  }
  await load();
  return modal;
}
