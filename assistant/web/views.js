// The views officials use besides the chat: who does what, deadlines, targets, and the documents held.
// Each view loads its facts once per filter change and re-renders locally on search, filter and sort.
import { openSource } from "./source.js";
import { $, api, el, fold, formatDate, setStatus, shorten, today } from "./util.js";

const ROLE = { lead: "Chủ trì", coordinate: "Phối hợp" };
const ROWS_PER_GROUP = 10;
const GROUPS_PER_PAGE = 12;

export function factsQuery(kind, filters, format) {
  const params = new URLSearchParams({ kind });
  if (filters && filters.province) params.set("province", filters.province);
  if (filters && filters.document_id) params.set("document_id", filters.document_id);
  if (format) params.set("format", format);
  return `/facts?${params}`;
}

function where(fact) {
  return [fact.clause_label, fact.document_name].filter(Boolean).join(", ");
}

function factRow(fact, cells) {
  const open = (event) => openSource(fact.document_id, fact.clause_id, event.currentTarget);
  return el("tr", {
    class: "fact-row", tabindex: "0", "data-clause-id": fact.clause_id, title: `Mở ${where(fact)}`,
    onclick: open, onkeydown: (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(event); } },
  }, ...cells.map(([label, content, cls]) => el("td", { "data-label": label, class: cls || null },
    content instanceof Node ? content : (content ?? ""))));
}

// Groups as collapsible sections, each showing its first rows with "Xem thêm"; groups themselves paged.
function renderGroups(container, groups, headers, rowOf, { open = false, page = { n: GROUPS_PER_PAGE } } = {}) {
  container.replaceChildren();
  for (const group of groups.slice(0, page.n)) {
    let shown = ROWS_PER_GROUP;
    const tbody = el("tbody", {});
    const more = el("button", { type: "button", class: "secondary more" });
    const fill = () => {
      tbody.replaceChildren(...group.items.slice(0, shown).map(rowOf));
      more.hidden = group.items.length <= shown;
      more.textContent = `Xem thêm ${Math.min(ROWS_PER_GROUP * 3, group.items.length - shown)} dòng`;
    };
    more.addEventListener("click", () => { shown += ROWS_PER_GROUP * 3; fill(); });
    fill();
    const table = el("table", {}, el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { scope: "col", text: h })))), tbody);
    container.append(el("details", { class: "group", open: open || groups.length === 1 },
      el("summary", {}, el("span", { class: "group-name", text: group.name }), el("span", { class: "group-count", text: group.count })),
      table, more));
  }
  if (groups.length > page.n) {
    container.append(el("button", {
      type: "button", class: "secondary more-groups", text: `Xem thêm ${groups.length - page.n} nhóm`,
      onclick: () => { page.n += GROUPS_PER_PAGE; renderGroups(container, groups, headers, rowOf, { open, page }); },
    }));
  }
}

function groupBy(items, keyOf) {
  const groups = new Map();
  for (const item of items) {
    const key = keyOf(item);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  return groups;
}

// ---- Ai làm gì ------------------------------------------------------------------------------------------------
const who = { facts: [], deadlines: new Map() };

export async function loadWho(filters) {
  const [responsibilities, deadlines] = await Promise.all([api(factsQuery("responsibility", filters)),
    api(factsQuery("deadline", filters))]);
  who.facts = responsibilities;
  who.deadlines = new Map();
  for (const d of deadlines) if (!who.deadlines.has(d.clause_id)) who.deadlines.set(d.clause_id, d.date ? formatDate(d.date) : d.wording);
  const agencies = [...groupBy(responsibilities, (f) => f.agency || f.agency_as_written)]
    .sort((a, b) => a[0].localeCompare(b[0], "vi"));
  const select = $("who-agency");
  const chosen = select.value;
  select.replaceChildren(el("option", { value: "", text: "Tất cả cơ quan" }),
    ...agencies.map(([name, items]) => el("option", { value: name, text: `${name} (${items.length})` })));
  select.value = agencies.some(([name]) => name === chosen) ? chosen : "";
  $("csv-who").href = factsQuery("responsibility", filters, "csv");
  renderWho();
}

export function renderWho() {
  const query = fold($("who-search").value.trim());
  const agency = $("who-agency").value;
  const role = $("who-role").value;
  const groupByAgency = $("who-group").value === "agency";
  const sort = $("who-sort").value;
  const rows = who.facts.filter((f) => (!agency || (f.agency || f.agency_as_written) === agency)
    && (!role || f.role === role)
    && (!query || fold(`${f.agency} ${f.agency_as_written} ${f.task} ${f.document_name}`).includes(query)));
  const keyOf = groupByAgency ? (f) => f.agency || f.agency_as_written : (f) => f.document_name;
  const groups = [...groupBy(rows, keyOf)].map(([name, items]) => {
    const leads = items.filter((f) => f.role === "lead").length;
    items.sort((a, b) => (sort === "role" ? (a.role === "lead" ? 0 : 1) - (b.role === "lead" ? 0 : 1) : 0)
      || (groupByAgency ? a.document_name.localeCompare(b.document_name, "vi") : (a.agency || "").localeCompare(b.agency || "", "vi"))
      || a.id.localeCompare(b.id, undefined, { numeric: true }));
    return { name, items, count: `${items.length} việc · ${leads} chủ trì` };
  });
  groups.sort(sort === "count" ? (a, b) => b.items.length - a.items.length || a.name.localeCompare(b.name, "vi")
    : (a, b) => a.name.localeCompare(b.name, "vi"));
  const agencies = new Set(rows.map((f) => f.agency || f.agency_as_written)).size;
  $("who-count").textContent = rows.length
    ? `${rows.length} phân công · ${agencies} cơ quan · ${groups.length} nhóm`
    : "Không có phân công nào khớp với bộ lọc và từ khóa.";
  const headers = groupByAgency ? ["Vai trò", "Nhiệm vụ", "Thời hạn", "Văn bản, điều khoản"]
    : ["Cơ quan", "Vai trò", "Nhiệm vụ", "Thời hạn", "Điều khoản"];
  renderGroups($("who-body"), groups, headers, (f) => {
    const roleCell = ["Vai trò", ROLE[f.role] || "", f.role === "lead" ? "role-lead" : null];
    const task = ["Nhiệm vụ", shorten(f.task, 240)];
    const due = ["Thời hạn", who.deadlines.get(f.clause_id) || ""];
    return factRow(f, groupByAgency ? [roleCell, task, due, ["Văn bản", where(f)]]
      : [["Cơ quan", f.agency || f.agency_as_written], roleCell, task, due, ["Điều khoản", f.clause_label]]);
  }, { open: Boolean(query || agency) });
}

// ---- Hạn chót -------------------------------------------------------------------------------------------------
let deadlineFacts = [];

// Where a deadline stands today: passed, close, open, or a recurring duty.
export function deadlineStatus(fact, now) {
  const year = Number(now.slice(0, 4));
  if (fact.date) {
    if (fact.date < now) return { key: "overdue", text: "Đã quá hạn" };
    const days = (new Date(fact.date) - new Date(now)) / 86_400_000;
    return days <= 30 ? { key: "soon", text: "Sắp đến hạn" } : { key: "open", text: "Còn hạn" };
  }
  if (fact.period && !/^\d+$/.test(fact.period)) return { key: "periodic", text: "Định kỳ" };
  if (fact.year) {
    if (fact.year < year) return { key: "overdue", text: `Đã qua (năm ${fact.year})` };
    return fact.year === year ? { key: "soon", text: "Trong năm nay" } : { key: "open", text: "Còn hạn" };
  }
  return { key: "open", text: "" };
}

export async function loadDeadlines(filters) {
  deadlineFacts = await api(factsQuery("deadline", filters));
  $("csv-deadlines").href = factsQuery("deadline", filters, "csv");
  renderDeadlines();
}

export function renderDeadlines() {
  const now = today();
  const show = $("deadline-show").value;
  const rank = (f) => (f.date ? 0 : f.year ? 1 : 2);
  const rows = deadlineFacts.map((f) => ({ f, status: deadlineStatus(f, now) }))
    .filter(({ status }) => !show || status.key === show || (show === "open" && status.key === "soon"))
    .sort((a, b) => rank(a.f) - rank(b.f) || (a.f.date || String(a.f.year || 9999)).localeCompare(b.f.date || String(b.f.year || 9999)));
  $("deadline-today").textContent = `Tính đến ngày ${formatDate(now)}.`;
  const body = $("deadlines-body");
  if (!rows.length) {
    body.replaceChildren(el("p", { class: "hint", text: "Không có hạn chót nào với bộ lọc này." }));
    return;
  }
  // One cell says when: the date (or the wording when there is none), how it stands today, and the wording as
  // written when it says more than the date.
  const when = (f, status) => el("span", { class: "when" },
    el("span", { class: "when-date", text: f.date ? formatDate(f.date) : f.wording }),
    status.text ? el("span", { class: `mark mark-${status.key}`, text: status.text }) : null,
    f.date ? el("span", { class: "when-wording", text: f.wording }) : null);
  const tbody = el("tbody", {}, ...rows.map(({ f, status }) => factRow(f, [
    ["Hạn", when(f, status)],
    ["Cơ quan", f.agency || f.agency_as_written || "(văn bản không ghi cơ quan)"],
    ["Việc", shorten(f.task, 180)],
    ["Văn bản", where(f)],
  ])));
  body.replaceChildren(el("table", { class: "deadlines" }, el("thead", {}, el("tr", {},
    ...["Hạn", "Cơ quan", "Việc", "Văn bản, điều khoản"].map((h) => el("th", { scope: "col", text: h })))), tbody));
}

// ---- Chỉ tiêu -------------------------------------------------------------------------------------------------
let targetFacts = [];

export async function loadTargets(filters) {
  targetFacts = await api(factsQuery("target", filters));
  $("csv-targets").href = factsQuery("target", filters, "csv");
  renderTargets();
}

function valueWithUnit(f) {
  const text = f.value_text || "";
  return f.unit && !text.includes(f.unit) ? `${text} ${f.unit}` : text;
}

export function renderTargets() {
  const query = fold($("targets-search").value.trim());
  const rows = targetFacts.filter((f) => !query || fold(`${f.measure} ${f.scope} ${f.document_name}`).includes(query));
  $("targets-count").textContent = rows.length ? `${rows.length} chỉ tiêu` : "Không có chỉ tiêu nào khớp với bộ lọc và từ khóa.";
  const groups = [...groupBy(rows, (f) => f.document_name)].map(([name, items]) => ({ name, items, count: `${items.length} chỉ tiêu` }));
  renderGroups($("targets-body"), groups, ["Chỉ tiêu", "Giá trị", "Năm / giai đoạn", "Phạm vi", "Điều khoản"], (f) => factRow(f, [
    ["Chỉ tiêu", f.measure], ["Giá trị", valueWithUnit(f)], ["Năm / giai đoạn", f.year || f.period || ""],
    ["Phạm vi", f.scope || ""], ["Điều khoản", f.clause_label],
  ]), { open: Boolean(query) });
}

// ---- Văn bản hiện có ------------------------------------------------------------------------------------------
export async function loadDocuments(filters) {
  const coverage = await api("/coverage");
  $("coverage-sentence").textContent = coverage.sentence;
  const docs = coverage.documents.filter((d) => (!filters || !filters.province || d.province === filters.province)
    && (!filters || !filters.document_id || d.id === filters.document_id));
  const rows = docs.map((d) => el("tr", {}, ...[
    ["Văn bản", d.name], ["Loại", d.type || ""], ["Số", d.number || ""], ["Năm", d.year || ""],
    ["Tỉnh", d.province || "Trung ương / không ghi"],
  ].map(([label, value]) => el("td", { "data-label": label, text: value })),
  el("td", { "data-label": "" }, el("button", {
    type: "button", class: "secondary small open-document", "data-document-id": d.id, text: "Xem",
    "aria-label": `Xem ${d.name}`,
    onclick: (event) => openSource(d.id, null, event.currentTarget),
  }))));
  $("documents-body").replaceChildren(el("table", {}, el("thead", {}, el("tr", {},
    ...["Văn bản", "Loại", "Số", "Năm", "Tỉnh", ""].map((h) => el("th", { scope: "col", text: h })))), el("tbody", {}, ...rows)));
  return coverage;
}

export async function refreshView(panelId, filters) {
  const loaders = { "panel-who": loadWho, "panel-deadlines": loadDeadlines, "panel-targets": loadTargets,
    "panel-documents": loadDocuments };
  const load = loaders[panelId];
  if (!load) return;
  setStatus("Đang tải…");
  try {
    await load(filters);
    setStatus("");
  } catch (error) {
    setStatus(error.message);
  }
}

export function setUpViews() {
  for (const id of ["who-search", "who-agency", "who-role", "who-group", "who-sort"]) {
    $(id).addEventListener(id === "who-search" ? "input" : "change", renderWho);
  }
  $("deadline-show").addEventListener("change", renderDeadlines);
  $("targets-search").addEventListener("input", renderTargets);
}
