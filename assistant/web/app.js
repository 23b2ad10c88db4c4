// Web page of the HTX assistant. No framework, no build step.
// Document text is data: it is only ever inserted with textContent (never as HTML), so text in a document
// that looks like markup or an instruction is shown as written and never runs.
"use strict";

const state = { sessionId: null, documents: [], documentsById: new Map(), facts: {} };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const $ = (id) => document.getElementById(id);

function shorten(text, limit) {
  if (!text || text.length <= limit) return text || "";
  return text.slice(0, limit - 1).replace(/\s+\S*$/, "") + " …";
}

function setStatus(text) { $("status").textContent = text || ""; }

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { "Accept": "application/json", ...(options.body ? { "Content-Type": "application/json" } : {}) },
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const message = data && data.error ? data.error.message : `Lỗi ${response.status}`;
    const error = new Error(message);
    error.code = data && data.error ? data.error.code : "http_error";
    throw error;
  }
  return data;
}

function currentFilters() {
  const province = $("filter-province").value;
  const documentId = $("filter-document").value;
  if (!province && !documentId) return null;
  return { province: province || null, document_id: documentId || null };
}

function documentLabel(doc) {
  if (!doc) return "";
  const kind = doc.type || "Văn bản";
  const name = doc.number ? `${kind} số ${doc.number}` : kind;
  return doc.title ? `${name} – ${doc.title}` : name;
}

function clausePathOf(clauseId) {
  const at = clauseId.indexOf(":");
  return at >= 0 ? clauseId.slice(at + 1) : clauseId;
}

// ---- filters -------------------------------------------------------------------------------------------------
async function loadDocuments() {
  const docs = await api("/documents");
  state.documents = docs;
  state.documentsById = new Map(docs.map((d) => [d.id, d]));
  const provinces = [...new Set(docs.map((d) => d.province).filter(Boolean))].sort((a, b) => a.localeCompare(b, "vi"));
  for (const p of provinces) $("filter-province").append(el("option", { value: p, text: p }));
  fillDocumentOptions();
}

function fillDocumentOptions() {
  const select = $("filter-document");
  const chosen = select.value;
  const province = $("filter-province").value;
  select.replaceChildren(el("option", { value: "", text: "Tất cả văn bản" }));
  for (const doc of state.documents) {
    if (province && doc.province !== province) continue;
    const label = documentLabel(doc);
    select.append(el("option", { value: doc.id, text: shorten(label, 110) }));
  }
  select.value = [...select.options].some((o) => o.value === chosen) ? chosen : "";
}

// ---- chat ----------------------------------------------------------------------------------------------------
function answerParagraph(answer) {
  // Turn "[n]" marks into buttons that open citation n; everything else stays plain text.
  const p = el("p", { class: answer.found ? "answer" : "answer not-found" });
  const byN = new Map(answer.citations.map((c) => [c.n, c]));
  let last = 0;
  for (const match of answer.answer.matchAll(/\[(\d+)\]/g)) {
    p.append(document.createTextNode(answer.answer.slice(last, match.index)));
    const citation = byN.get(Number(match[1]));
    if (citation) {
      p.append(el("button", {
        type: "button", class: "cite-mark", text: match[0],
        "aria-label": `Trích dẫn ${citation.n}: ${citation.document_title || citation.document_id}, mục ${citation.path}`,
        onclick: () => openClause(citation.document_id, citation.clause_id),
      }));
    } else {
      p.append(document.createTextNode(match[0]));
    }
    last = match.index + match[0].length;
  }
  p.append(document.createTextNode(answer.answer.slice(last)));
  return p;
}

function citationList(citations, numbered) {
  const list = el("ol", { class: "citations" });
  for (const c of citations) {
    const label = [
      numbered ? `[${c.n}]` : null,
      shorten(c.document_title, 90) || c.document_id,
      c.document_number ? `số ${c.document_number}` : null,
      `mục ${c.path}`,
    ].filter(Boolean).join(" · ");
    const excerpt = shorten(c.text, 260);
    list.append(el("li", {}, el("button", {
      type: "button", class: "citation-link", "data-clause-id": c.clause_id,
      onclick: () => openClause(c.document_id, c.clause_id),
    }, el("span", { class: "label", text: label }), el("span", { class: "excerpt", text: excerpt }))));
  }
  return list;
}

function renderTurn(message, answer) {
  const item = el("li", { class: "turn" }, el("p", { class: "q", text: message }));
  if (answer.follow_up && answer.resolved_question && answer.resolved_question !== message) {
    item.append(el("p", { class: "resolved", text: `Đã hiểu là: ${answer.resolved_question}` }));
  }
  item.append(answerParagraph(answer));
  if (answer.citations.length) item.append(citationList(answer.citations, true));
  if (!answer.found && answer.related && answer.related.length) {
    item.append(el("h3", { class: "related-title", text: "Các điều khoản gần nhất (không trả lời trực tiếp câu hỏi):" }));
    item.append(citationList(answer.related, false));
  }
  return item;
}

const SESSION_RESTARTED = "Cuộc trò chuyện trước đã hết hạn trên máy chủ nên một cuộc trò chuyện mới đã được bắt đầu; "
  + "câu hỏi dưới đây được hiểu như câu hỏi đầu tiên, không theo các câu trước.";

async function ask(message) {
  const conversation = $("conversation");
  const button = $("ask-button");
  button.disabled = true;
  setStatus("Đang tìm trong văn bản…");
  try {
    const body = { message, filters: currentFilters() };
    if (state.sessionId) body.session_id = state.sessionId;
    let answer;
    try {
      answer = await api("/chat", { method: "POST", body: JSON.stringify(body) });
    } catch (error) {
      if (error.code !== "unknown_session") throw error;
      // The server no longer has this conversation (idle too long, or pushed out by newer ones): start a new
      // one and say so, since this message is now read without the turns before it.
      state.sessionId = null;
      delete body.session_id;
      answer = await api("/chat", { method: "POST", body: JSON.stringify(body) });
      conversation.append(el("li", { class: "notice", role: "status", text: SESSION_RESTARTED }));
    }
    state.sessionId = answer.session_id;
    const turn = renderTurn(message, answer);
    conversation.append(turn);
    turn.scrollIntoView({ block: "nearest" });
    setStatus("");
  } catch (error) {
    conversation.append(el("li", { class: "turn" }, el("p", { class: "q", text: message }),
      el("p", { class: "error", role: "alert", text: error.message })));
    setStatus("");
  } finally {
    button.disabled = false;
  }
}

// ---- source view ---------------------------------------------------------------------------------------------
function depthOf(path) { return Math.max(0, path.split(".").filter(Boolean).length - 1); }

async function openClause(documentId, clauseId) {
  setStatus("Đang mở văn bản…");
  let detail;
  try {
    detail = await api(`/documents/${encodeURIComponent(documentId)}`);
  } catch (error) {
    setStatus(error.message);
    return;
  }
  const doc = detail.document;
  const meta = el("dl", {});
  const rows = [
    ["Văn bản", documentLabel(doc)], ["Số", doc.number], ["Cơ quan ban hành", doc.issuer],
    ["Tỉnh", doc.province || "Văn bản không ghi tỉnh"], ["Ngày", doc.issue_date], ["Tệp", doc.source_file],
  ];
  for (const [term, value] of rows) if (value) meta.append(el("dt", { text: term }), el("dd", { text: value }));
  $("source-meta").replaceChildren(meta);
  $("source-title").textContent = doc.title || documentLabel(doc);

  const list = $("source-clauses");
  list.replaceChildren();
  let target = null;
  const targetParent = detail.clauses.find((c) => c.id === clauseId)?.parent_id;
  for (const clause of detail.clauses) {
    const item = el("li", {
      class: `clause kind-${clause.kind} depth-${Math.min(depthOf(clause.path), 6)}`, id: `clause-${clause.order}`,
      "data-clause-id": clause.id, tabindex: "-1",
      title: `Dòng ${clause.line_start}–${clause.line_end}`,
    }, el("span", { class: "path", text: clause.path }), clause.text);
    if (clause.id === clauseId) {
      item.classList.add("highlight");
      item.setAttribute("aria-current", "true");
      target = item;
    } else if (targetParent && clause.id === targetParent) {
      item.classList.add("context");
    }
    list.append(item);
  }
  $("source-close").hidden = false;
  setStatus("");
  // Scroll the source pane itself (not the whole page) so the question and answer stay where they were.
  const pane = $("source");
  pane.scrollIntoView({ block: "nearest" });
  if (target) {
    pane.scrollTop = Math.max(0, target.offsetTop - (pane.clientHeight - target.offsetHeight) / 2);
    target.focus({ preventScroll: true });
  } else {
    pane.scrollTop = 0;
    pane.focus({ preventScroll: true });
  }
}

function closeSource() {
  $("source-clauses").replaceChildren();
  $("source-title").textContent = "Văn bản gốc";
  $("source-meta").replaceChildren(el("p", { class: "hint", text: "Chọn một trích dẫn [n] để xem điều khoản gốc ở đây." }));
  $("source-close").hidden = true;
}

// ---- facts views ---------------------------------------------------------------------------------------------
function factsQuery(kind, format) {
  const params = new URLSearchParams({ kind });
  const filters = currentFilters();
  if (filters && filters.province) params.set("province", filters.province);
  if (filters && filters.document_id) params.set("document_id", filters.document_id);
  if (format) params.set("format", format);
  return `/facts?${params}`;
}

async function loadFacts(kind) {
  return api(factsQuery(kind));
}

function factRow(fact, cells) {
  const open = () => openClause(fact.document_id, fact.clause_id);
  return el("tr", {
    class: "fact-row", tabindex: "0", "data-clause-id": fact.clause_id,
    title: `Mở điều khoản ${clausePathOf(fact.clause_id)}`,
    onclick: open, onkeydown: (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(); } },
  }, ...cells.map((text) => el("td", { text: text ?? "" })));
}

function table(caption, headers, rows) {
  return el("table", {}, el("caption", { text: caption }),
    el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, ...rows));
}

function groupByDocument(facts) {
  const groups = new Map();
  for (const fact of facts) {
    if (!groups.has(fact.document_id)) groups.set(fact.document_id, []);
    groups.get(fact.document_id).push(fact);
  }
  return groups;
}

const ROLE_LABEL = { lead: "Chủ trì", coordinate: "Phối hợp" };

async function renderWho() {
  const [responsibilities, deadlines] = await Promise.all([loadFacts("responsibility"), loadFacts("deadline")]);
  const deadlineByClause = new Map();
  for (const d of deadlines) if (!deadlineByClause.has(d.clause_id)) deadlineByClause.set(d.clause_id, d.wording || d.date);
  const body = $("who-body");
  body.replaceChildren();
  if (!responsibilities.length) body.append(el("p", { class: "hint", text: "Không có phân công nào với bộ lọc này." }));
  for (const [documentId, facts] of groupByDocument(responsibilities)) {
    facts.sort((a, b) => (a.agency || "").localeCompare(b.agency || "", "vi") || (a.role === "lead" ? -1 : 1));
    const rows = facts.map((f) => {
      const row = factRow(f, [f.agency || f.agency_as_written, ROLE_LABEL[f.role] || "", shorten(f.task, 220),
        deadlineByClause.get(f.clause_id) || ""]);
      if (f.role === "lead") row.cells[1].classList.add("role-lead");
      return row;
    });
    body.append(table(documentLabel(state.documentsById.get(documentId)) || documentId,
      ["Cơ quan", "Vai trò", "Nhiệm vụ", "Thời hạn"], rows));
  }
  $("csv-who").href = factsQuery("responsibility", "csv");
}

async function renderDeadlines() {
  const facts = await loadFacts("deadline");
  facts.sort((a, b) => (a.date || "9999").localeCompare(b.date || "9999"));
  const rows = facts.map((f) => factRow(f, [
    f.date ? new Date(f.date + "T00:00:00").toLocaleDateString("vi-VN") : "", f.wording, f.agency || f.agency_as_written,
    shorten(f.task, 160), shorten(documentLabel(state.documentsById.get(f.document_id)), 80),
  ]));
  $("deadlines-body").replaceChildren(rows.length
    ? table("Các hạn chót", ["Ngày", "Thời hạn (nguyên văn)", "Cơ quan", "Việc", "Văn bản"], rows)
    : el("p", { class: "hint", text: "Không có hạn chót nào với bộ lọc này." }));
  $("csv-deadlines").href = factsQuery("deadline", "csv");
}

async function renderTargets() {
  const facts = await loadFacts("target");
  const body = $("targets-body");
  body.replaceChildren();
  if (!facts.length) body.append(el("p", { class: "hint", text: "Không có chỉ tiêu nào với bộ lọc này." }));
  for (const [documentId, group] of groupByDocument(facts)) {
    const rows = group.map((f) => factRow(f, [f.measure, f.value_text, f.unit, f.year || f.period, f.scope]));
    body.append(table(documentLabel(state.documentsById.get(documentId)) || documentId,
      ["Chỉ tiêu", "Giá trị", "Đơn vị", "Năm / giai đoạn", "Phạm vi"], rows));
  }
  $("csv-targets").href = factsQuery("target", "csv");
}

const RENDERERS = { "panel-who": renderWho, "panel-deadlines": renderDeadlines, "panel-targets": renderTargets };

async function refreshPanel(panelId) {
  const render = RENDERERS[panelId];
  if (!render) return;
  setStatus("Đang tải…");
  try {
    await render();
    setStatus("");
  } catch (error) {
    setStatus(error.message);
  }
}

// ---- tabs (WAI-ARIA tabs pattern: arrow keys move between tabs) -------------------------------------------------
function selectTab(tab) {
  for (const other of document.querySelectorAll('[role="tab"]')) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !selected;
  }
  tab.focus();
  refreshPanel(tab.getAttribute("aria-controls"));
}

function activePanelId() {
  return document.querySelector('[role="tab"][aria-selected="true"]').getAttribute("aria-controls");
}

function setUpTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) selectTab(tabs[(i + step + tabs.length) % tabs.length]);
    });
  });
}

// ---- start ---------------------------------------------------------------------------------------------------
function start() {
  setUpTabs();
  $("ask-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const message = $("question").value.trim();
    if (!message) return;
    $("question").value = "";
    ask(message);
  });
  $("question").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("ask-form").requestSubmit();
    }
  });
  for (const button of document.querySelectorAll("button.example")) {
    button.addEventListener("click", () => ask(button.textContent.trim()));
  }
  $("new-chat").addEventListener("click", () => {
    state.sessionId = null;
    $("conversation").replaceChildren();
    $("question").focus();
  });
  $("source-close").addEventListener("click", closeSource);
  $("filter-province").addEventListener("change", () => { fillDocumentOptions(); refreshPanel(activePanelId()); });
  $("filter-document").addEventListener("change", () => refreshPanel(activePanelId()));
  loadDocuments().catch((error) => setStatus(error.message));
}

document.addEventListener("DOMContentLoaded", start);
