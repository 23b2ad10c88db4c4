// The source pane: a document with one clause highlighted, or a whole document to browse. On a phone it opens as an
// overlay over the answer; "Quay lại" closes it and brings back the [n] that opened it.
import { $, api, el, narrowScreen, setStatus, shorten } from "./util.js";

const EMPTY_HINT = "Chọn một trích dẫn [n] hoặc một văn bản trong thẻ “Văn bản” để xem văn bản gốc ở đây.";
let returnTo = null; // the element that opened the pane, to go back to

function metaList(doc, name) {
  const meta = el("dl", {});
  const rows = [
    ["Văn bản", name], ["Loại", doc.type], ["Số", doc.number], ["Cơ quan ban hành", doc.issuer],
    ["Tỉnh", doc.province || "Văn bản không ghi tỉnh"], ["Ngày ban hành", doc.issue_date ? formatIso(doc.issue_date) : null],
  ];
  for (const [term, value] of rows) if (value) meta.append(el("dt", { text: term }), el("dd", { text: value }));
  return meta;
}

function formatIso(iso) {
  const [y, m, d] = iso.split("-");
  return `${d}/${m}/${y}`;
}

function depthOf(clause, byId) {
  let depth = 0;
  for (let parent = byId.get(clause.parent_id); parent && depth < 6; parent = byId.get(parent.parent_id)) depth += 1;
  return depth;
}

function openPane(opener) {
  returnTo = opener || document.activeElement;
  document.body.classList.add("source-open");
  $("source-back").hidden = false;
  $("source-close").hidden = false;
}

// Open document `documentId`; highlight `clauseId` when given, with the heading that introduces it in view.
export async function openSource(documentId, clauseId, opener) {
  setStatus("Đang mở văn bản…");
  let detail;
  try {
    detail = await api(`/documents/${encodeURIComponent(documentId)}`);
  } catch (error) {
    setStatus(error.message);
    return;
  }
  const doc = detail.document;
  $("source-title").textContent = detail.name;
  $("source-meta").replaceChildren(metaList(doc, detail.name));
  const byId = new Map(detail.clauses.map((c) => [c.id, c]));
  const target = clauseId ? byId.get(clauseId) : null;
  const ancestors = new Set();
  for (let parent = target && byId.get(target.parent_id); parent; parent = byId.get(parent.parent_id)) ancestors.add(parent.id);

  const list = $("source-clauses");
  list.replaceChildren();
  let targetItem = null;
  const ancestorItems = [];
  for (const clause of detail.clauses) {
    const item = el("li", {
      class: `clause kind-${clause.kind} depth-${depthOf(clause, byId)}`, id: `clause-${clause.order}`,
      "data-clause-id": clause.id, tabindex: "-1", title: clause.label,
    }, clause.text);
    if (target && clause.id === target.id) {
      item.classList.add("highlight");
      item.setAttribute("aria-current", "true");
      item.prepend(el("span", { class: "clause-label", text: clause.label }));
      targetItem = item;
    } else if (ancestors.has(clause.id)) {
      item.classList.add("context");
      ancestorItems.push(item);
    }
    list.append(item);
  }
  // The headings above the highlighted clause, as a trail that stays on top of the pane.
  const trail = $("source-trail");
  trail.replaceChildren();
  if (target) {
    trail.append(el("span", { class: "trail-label", text: target.label }));
    for (const heading of target.headings) trail.append(el("span", { class: "trail-heading", text: shorten(heading, 120) }));
  }
  trail.hidden = !target;
  openPane(opener);
  setStatus("");
  scrollToTarget(targetItem, ancestorItems);
}

function scrollToTarget(targetItem, ancestorItems) {
  const pane = $("source");
  if (!narrowScreen()) pane.scrollIntoView({ block: "nearest" });
  const top = $("source-sticky").offsetHeight + 8;
  if (!targetItem) {
    pane.scrollTop = 0;
    pane.focus({ preventScroll: true });
    return;
  }
  // Show the innermost enclosing heading together with the item when both fit (the heading often names the
  // agency: "2.4. Liên minh Hợp tác xã tỉnh:"); otherwise centre the item.
  const room = pane.clientHeight - top;
  const bottom = targetItem.offsetTop + targetItem.offsetHeight;
  const heading = ancestorItems.reverse().find((item) => bottom - item.offsetTop <= room);
  pane.scrollTop = heading ? Math.max(0, heading.offsetTop - top)
    : Math.max(0, targetItem.offsetTop - top - (room - targetItem.offsetHeight) / 2);
  targetItem.focus({ preventScroll: true });
}

export function closeSource() {
  document.body.classList.remove("source-open");
  $("source-clauses").replaceChildren();
  $("source-trail").replaceChildren();
  $("source-trail").hidden = true;
  $("source-title").textContent = "Văn bản gốc";
  $("source-meta").replaceChildren(el("p", { class: "hint", text: EMPTY_HINT }));
  $("source-close").hidden = true;
  $("source-back").hidden = true;
}

// Back to where the reader was: close the overlay (phone) and bring the [n] or row that opened the pane into view.
export function goBack() {
  const opener = returnTo;
  document.body.classList.remove("source-open");
  if (narrowScreen()) closeSource();
  if (opener && opener.isConnected) {
    opener.scrollIntoView({ block: "center" });
    opener.focus({ preventScroll: true });
  }
}

export function setUpSource() {
  closeSource();
  $("source-close").addEventListener("click", () => { closeSource(); if (returnTo && returnTo.isConnected) returnTo.focus(); });
  $("source-back").addEventListener("click", goBack);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && document.body.classList.contains("source-open")) goBack();
  });
}
