// Presentational pieces shared by the monitoring views.
import { html } from '../../html.js';
import { statusClass } from '../../format.js';

// A status word with its coloured dot: text plus colour, never colour alone.
export function StatusWord({ status, label }) {
  const s = status || 'unknown';
  return html`<span class=${`status-dot st-${statusClass(s)}`} data-status=${s}>${label || s}</span>`;
}

export function ErrorNote({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${error.message || String(error)}</p>`;
}

// Page buttons: ◀ 1 2 3 … N ▶. `label` names the navigation landmark when a view has several.
export function Pager({ page, pages, onPage, label = 'Pages' }) {
  if (!pages || pages <= 1) return null;
  const nums = new Set([1, pages, page - 1, page, page + 1, page - 2, page + 2].filter((p) => p >= 1 && p <= pages));
  const list = [...nums].sort((a, b) => a - b);
  const items = [];
  list.forEach((p, i) => {
    if (i > 0 && p - list[i - 1] > 1) items.push(html`<span class="muted" aria-hidden="true">…</span>`);
    items.push(html`<button type="button" class="btn" aria-current=${p === page ? 'page' : null}
      aria-label=${`Page ${p}`} onClick=${() => onPage(p)}>${p}</button>`);
  });
  return html`<nav class="pager" aria-label=${label}>
    <button type="button" class="btn" disabled=${page <= 1} aria-label="Previous page" onClick=${() => onPage(page - 1)}>◀</button>
    ${items}
    <button type="button" class="btn" disabled=${page >= pages} aria-label="Next page" onClick=${() => onPage(page + 1)}>▶</button>
  </nav>`;
}
