// The jobs page: rendered on the server (escaped) and kept live by a small script that polls /jobs.json and
// rebuilds the rows with textContent (never innerHTML), so hostile job names or errors stay text.
import type { JobView } from "@neuropose/jobs";

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c] as string);
}

export interface RowView {
  job: string;
  state: string;
  percent: number | null;
  frames: string;
  eta: string;
  video: string;
  started: string;
  updated: string;
  stale: boolean;
  error: string;
}

function fmtDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return "";
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s - m * 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** `2026-01-01T10:00:30.123Z` -> `2026-01-01 10:00:30Z` (UTC, one line). */
function shortTime(iso: string | null | undefined): string {
  return iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "";
}

/** The display row of a job (shared by the server render and, as JSON, the live script). */
export function rowOf(j: JobView, now: number, staleSeconds: number): RowView {
  const e = j.entry;
  const percent = e?.percent_complete ?? null;
  let eta = "";
  if (e && j.state === "processing" && percent !== null && percent > 0 && percent < 100) {
    const elapsed = (Date.parse(e.last_update ?? e.started_at) - Date.parse(e.started_at)) / 1000;
    eta = fmtDuration((elapsed * (100 - percent)) / percent);
  }
  const updated = e?.last_update ?? "";
  const stale = j.state === "processing" && updated !== "" && now - Date.parse(updated) > staleSeconds * 1000;
  return {
    job: j.id,
    state: e?.pruned_at ? `pruned ${e.pruned_at.slice(0, 10)}` : j.state,
    percent,
    frames: e?.frames_total ? `${e.frames_processed ?? 0}/${e.frames_total}` : "",
    eta,
    video: e?.current_video ?? "",
    started: shortTime(e?.started_at),
    updated: shortTime(updated),
    stale,
    error: e?.error ?? "",
  };
}

function rowHtml(r: RowView): string {
  const bar =
    r.percent === null ? "" : `<progress max="100" value="${r.percent}"></progress> ${r.percent.toFixed(0)}%`;
  return `<tr data-job="${escapeHtml(r.job)}"><td>${escapeHtml(r.job)}</td><td class="state ${escapeHtml(r.state.split(" ")[0] ?? "")}">${escapeHtml(r.state)}${r.stale ? ' <span class="stale">stale</span>' : ""}</td><td>${bar}</td><td>${escapeHtml(r.frames)}</td><td>${escapeHtml(r.eta)}</td><td>${escapeHtml(r.video)}</td><td>${escapeHtml(r.started)}</td><td>${escapeHtml(r.updated)}</td><td class="error">${escapeHtml(r.error)}</td></tr>`;
}

const SCRIPT = `
const token = new URLSearchParams(location.search).get("token");
const headers = token ? { "X-Status-Token": token } : {};
const body = document.querySelector("tbody");
const note = document.getElementById("note");
function cell(tr, text, cls) { const td = document.createElement("td"); if (cls) td.className = cls; td.textContent = text; tr.appendChild(td); return td; }
function render(rows) {
  const next = document.createDocumentFragment();
  for (const r of rows) {
    const tr = document.createElement("tr");
    tr.dataset.job = r.job;
    cell(tr, r.job);
    const st = cell(tr, r.state, "state " + r.state.split(" ")[0]);
    if (r.stale) { const b = document.createElement("span"); b.className = "stale"; b.textContent = "stale"; st.append(" ", b); }
    const p = cell(tr, "");
    if (r.percent !== null) { const bar = document.createElement("progress"); bar.max = 100; bar.value = r.percent; p.append(bar, " " + r.percent.toFixed(0) + "%"); }
    cell(tr, r.frames); cell(tr, r.eta); cell(tr, r.video); cell(tr, r.started); cell(tr, r.updated); cell(tr, r.error, "error");
    next.appendChild(tr);
  }
  body.replaceChildren(next);
}
async function tick() {
  try {
    const res = await fetch("jobs.json", { headers, cache: "no-store" });
    if (!res.ok) throw new Error("HTTP " + res.status);
    const data = await res.json();
    render(data.rows);
    note.textContent = data.rows.length + " job(s), updated " + new Date().toLocaleTimeString();
  } catch (err) {
    note.textContent = "cannot reach the monitor (" + err.message + "); retrying";
  }
}
setInterval(tick, REFRESH_MS);
`;

export function pageHtml(rows: RowView[], nonce: string, refreshMs: number, title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">
body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.3em 0.6em; border-bottom: 1px solid #ddd; vertical-align: top; white-space: nowrap; }
td:first-child { white-space: normal; word-break: break-all; }
th { background: #f4f4f4; }
.state.completed { color: #16702e; } .state.failed { color: #b00020; } .state.processing { color: #0b57d0; }
.state.queued { color: #666; } .state.pruned { color: #888; }
.stale { background: #f9a825; color: #000; border-radius: 3px; padding: 0 0.3em; font-size: 0.85em; }
.error { color: #b00020; max-width: 40em; word-break: break-word; white-space: normal; }
progress { width: 8em; vertical-align: middle; }
#note { color: #666; }
</style></head>
<body><h1>${escapeHtml(title)}</h1><p id="note">${rows.length} job(s)</p>
<table><thead><tr><th>job</th><th>status</th><th>progress</th><th>frames</th><th>ETA</th><th>current video</th><th>started</th><th>last update</th><th>error</th></tr></thead>
<tbody>${rows.map(rowHtml).join("\n")}</tbody></table>
<script nonce="${nonce}">${SCRIPT.replace("REFRESH_MS", String(refreshMs))}</script>
</body></html>
`;
}
