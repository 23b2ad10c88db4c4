// Web page of the HTX assistant: entry point. No framework, no build step; ES modules served as they are.
// chat.js: the conversation; views.js: who does what, deadlines, targets, documents; source.js: the source pane.
import { ask, configureChat, newConversation, restoreHistory, setFilterSource } from "./chat.js";
import { closeSource, openSource, setUpSource } from "./source.js";
import { $, api, el, setStatus } from "./util.js";
import { loadDocuments, refreshView, setUpViews } from "./views.js";

const documentsById = new Map();

function currentFilters() {
  const province = $("filter-province").value;
  const documentId = $("filter-document").value;
  if (!province && !documentId) return null;
  return { province: province || null, document_id: documentId || null };
}

function filterNames(filters) {
  const names = {};
  if (filters && filters.province) names["Tỉnh"] = filters.province;
  if (filters && filters.document_id) {
    names["Văn bản"] = documentsById.get(filters.document_id)?.name || filters.document_id;
  }
  return names;
}

// The active filters as chips beside the question box: visible where the question is asked, one click to drop.
function renderFilterChips() {
  const box = $("active-filters");
  const filters = currentFilters();
  const chips = [];
  for (const [label, value] of Object.entries(filterNames(filters))) {
    const select = label === "Tỉnh" ? $("filter-province") : $("filter-document");
    chips.push(el("span", { class: "chip" }, `${label}: ${value}`, el("button", {
      type: "button", class: "chip-remove", "aria-label": `Bỏ lọc ${label.toLowerCase()}`, text: "×",
      onclick: () => { select.value = ""; filtersChanged(); },
    })));
  }
  box.replaceChildren(...(chips.length ? [el("span", { class: "scope-label", text: "Đang lọc:" }), ...chips]
    : [el("span", { class: "hint", text: "Đang hỏi trên tất cả văn bản." })]));
}

function clearFilters() {
  $("filter-province").value = "";
  fillDocumentOptions();
  $("filter-document").value = "";
  filtersChanged();
}

async function loadFilters() {
  const docs = await api("/documents");
  for (const doc of docs) documentsById.set(doc.id, doc);
  const provinces = [...new Set(docs.map((d) => d.province).filter(Boolean))].sort((a, b) => a.localeCompare(b, "vi"));
  for (const p of provinces) $("filter-province").append(el("option", { value: p, text: p }));
  fillDocumentOptions();
}

function fillDocumentOptions() {
  const select = $("filter-document");
  const chosen = select.value;
  const province = $("filter-province").value;
  select.replaceChildren(el("option", { value: "", text: "Tất cả văn bản" }));
  for (const doc of documentsById.values()) {
    if (province && doc.province !== province) continue;
    select.append(el("option", { value: doc.id, text: doc.name }));
  }
  select.value = [...select.options].some((o) => o.value === chosen) ? chosen : "";
}

function filtersChanged() {
  renderFilterChips();
  closeSource(); // the source shown belonged to the previous selection
  refreshView(activePanelId(), currentFilters());
}

// ---- tabs (WAI-ARIA tabs pattern: arrow keys move between tabs) -------------------------------------------------
function activePanelId() {
  return document.querySelector('[role="tab"][aria-selected="true"]').getAttribute("aria-controls");
}

function selectTab(tab) {
  for (const other of document.querySelectorAll('[role="tab"]')) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !selected;
  }
  // Tables need the width more than an empty source pane does; the chat keeps the two columns balanced.
  document.body.dataset.tab = tab.getAttribute("aria-controls");
  tab.focus();
  closeSource(); // a clause from another tab is no longer what the reader is looking at
  refreshView(tab.getAttribute("aria-controls"), currentFilters());
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
async function start() {
  setUpTabs();
  setUpSource();
  setUpViews();
  setFilterSource(currentFilters);
  configureChat({ filterNames, clearFilters });
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
  $("new-chat").addEventListener("click", () => { newConversation(); $("question").focus(); });
  $("filter-province").addEventListener("change", () => { fillDocumentOptions(); filtersChanged(); });
  $("filter-document").addEventListener("change", filtersChanged);
  try {
    await loadFilters();
    const coverage = await loadDocuments(null);
    configureChat({ coverageSentence: coverage.sentence });
  } catch (error) {
    setStatus(error.message);
  }
  restoreHistory();
  // /?q=…&province=…&document=… reopens a question (the "Liên kết" of an answer); ?van_ban=ID opens a document.
  const params = new URLSearchParams(location.search);
  if (params.get("province")) { $("filter-province").value = params.get("province"); fillDocumentOptions(); }
  if (params.get("document")) $("filter-document").value = params.get("document");
  renderFilterChips();
  if (params.get("van_ban")) openSource(params.get("van_ban"), null, null);
  if (params.get("q")) await ask(params.get("q").slice(0, 500));
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", start);
