// The New Report dialog: a title, the connector, and a mandate that has
// controls for the connector's cloud. The API refuses a second report of
// the same mandate on the same connector; the dialog says so plainly.
import { get, post, query } from '../api.js';
import { h, replace, toast, uid } from '../dom.js';
import { openModal } from '../components/modal.js';

export function newReport(connectors, done) {
  const field = (label, control, hint) => {
    const id = control.id || uid('field');
    control.id = id;
    const error = h('span', { class: 'field-error', id: `${id}-error`, hidden: true });
    control.setAttribute('aria-describedby', `${id}-error`);
    return { box: h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('span', { class: 'hint' }, hint) : null, error), error, control };
  };
  const title = field('Report name', h('input', { id: 'report-title', type: 'text', required: true, maxlength: 200 }));
  const connector = field('Connector', h('select', { id: 'report-connector' },
    connectors.map((c) => h('option', { value: String(c.id) }, `${c.name} (${c.provider}, ${c.cloudAccountId})`))));
  const mandate = field('Mandate', h('select', { id: 'report-mandate' }));
  const alert = h('div', { class: 'alert alert-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary', form: 'new-report-form' }, 'Create report');
  const cancel = h('button', { type: 'button' }, 'Cancel');
  const form = h('form', { id: 'new-report-form', novalidate: true }, title.box, connector.box, mandate.box);
  if (!connectors.length) {
    replace(form, h('p', { class: 'alert alert-info' }, 'Add a connector first, on the Connectors tab.'));
    submit.disabled = true;
  }
  const modal = openModal({ title: 'New Report', body: [form, alert], footer: [cancel, submit] });
  cancel.addEventListener('click', modal.close);

  const fields = { title, mandateId: mandate, connectorIds: connector };
  async function loadMandates() {
    const chosen = connectors.find((c) => String(c.id) === connector.control.value);
    if (!chosen) return;
    const mandates = await get(`/cspm/mandates${query({ provider: chosen.provider })}`);
    replace(mandate.control, mandates.map((m) => h('option', { value: String(m.id) }, `${m.name} ${m.version}`)));
  }
  connector.control.addEventListener('change', loadMandates);
  loadMandates().catch((e) => { alert.textContent = e.message; alert.hidden = false; });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    alert.hidden = true;
    for (const f of Object.values(fields)) { f.error.hidden = true; f.control.removeAttribute('aria-invalid'); }
    const chosen = connectors.find((c) => String(c.id) === connector.control.value);
    if (!title.control.value.trim()) {
      title.error.textContent = 'Give the report a name.';
      title.error.hidden = false;
      title.control.setAttribute('aria-invalid', 'true');
      title.control.focus();
      return;
    }
    submit.disabled = true;
    try {
      await post('/cspm/report/configuration', {
        title: title.control.value.trim(), cloudtype: chosen.provider,
        mandateId: Number(mandate.control.value), connectorIds: [chosen.id],
      });
      modal.close();
      toast('Report created; its first run is queued.');
      done();
    } catch (e) {
      const key = e.field ? e.field.replace(/\[\d+\]$/, '') : null;
      if (e.status === 409) {
        alert.textContent = `This connector already has a ${mandate.control.selectedOptions[0]?.textContent || ''} report: a mandate can be checked once per connector. Open the existing report or pick another mandate.`;
        alert.hidden = false;
      } else if (key && fields[key]) {
        fields[key].error.textContent = e.message;
        fields[key].error.hidden = false;
        fields[key].control.setAttribute('aria-invalid', 'true');
        fields[key].control.focus();
      } else {
        alert.textContent = e.message;
        alert.hidden = false;
      }
    } finally {
      submit.disabled = false;
    }
  });
}
