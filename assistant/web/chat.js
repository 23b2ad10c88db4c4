// The conversation: ask, show the answer with its sources, and what readers of answer engines expect around it
// (copy, a link that reopens the question, đúng/sai feedback, history that survives a reload).
import { openSource } from "./source.js";
import { $, api, el, setStatus, shorten } from "./util.js";

const HISTORY_KEY = "htx-history-v1";
const HISTORY_TURNS = 20;
const state = { sessionId: null, turns: [], coverage: "", filterNames: () => ({}), clearFilters: () => {} };

export function configureChat({ coverageSentence, filterNames, clearFilters }) {
  if (coverageSentence !== undefined) state.coverage = coverageSentence;
  if (filterNames) state.filterNames = filterNames;
  if (clearFilters) state.clearFilters = clearFilters;
}

// "Tỉnh: Lâm Đồng", "Văn bản: Kế hoạch 31/KH-UBND (Quảng Ninh)" for the filters a question was asked under.
function filterChips(filters) {
  const names = state.filterNames(filters);
  return Object.entries(names).map(([label, value]) => el("span", { class: "chip", text: `${label}: ${value}` }));
}

function answerParagraph(answer) {
  // "[n]" marks become buttons that open citation n; everything else stays plain text.
  const p = el("p", { class: answer.found ? "answer" : "answer not-found" });
  const byN = new Map(answer.citations.map((c) => [c.n, c]));
  let last = 0;
  for (const match of answer.answer.matchAll(/\[(\d+)\]/g)) {
    p.append(document.createTextNode(answer.answer.slice(last, match.index)));
    const citation = byN.get(Number(match[1]));
    if (citation) {
      p.append(el("button", {
        type: "button", class: "cite-mark", text: match[0], "data-clause-id": citation.clause_id,
        "aria-label": `Nguồn ${citation.n}: ${citation.label || citation.document_name || citation.document_id}`,
        onclick: (event) => openSource(citation.document_id, citation.clause_id, event.currentTarget),
      }));
    } else {
      p.append(document.createTextNode(match[0]));
    }
    last = match.index + match[0].length;
  }
  p.append(document.createTextNode(answer.answer.slice(last)));
  return p;
}

function citationLabel(c) {
  return c.label || [c.document_name || c.document_title || c.document_id, c.clause_label].filter(Boolean).join(", ");
}

function citationList(citations, numbered) {
  const list = el("ol", { class: "citations" });
  for (const c of citations) {
    list.append(el("li", {}, el("button", {
      type: "button", class: "citation-link", "data-clause-id": c.clause_id,
      onclick: (event) => openSource(c.document_id, c.clause_id, event.currentTarget),
    }, el("span", { class: "label", text: `${numbered ? `[${c.n}] ` : ""}${citationLabel(c)}` }),
    el("span", { class: "excerpt", text: shorten(c.text, 260) }))));
  }
  return list;
}

export function shareLink(message, filters) {
  const params = new URLSearchParams({ q: message });
  if (filters && filters.province) params.set("province", filters.province);
  if (filters && filters.document_id) params.set("document", filters.document_id);
  return `${location.origin}/?${params}`;
}

function copyText(message, answer) {
  const sources = answer.citations.map((c) => `[${c.n}] ${citationLabel(c)}`);
  return [`Hỏi: ${message}`, answer.answer, ...(sources.length ? ["", "Nguồn:", ...sources] : [])].join("\n");
}

async function copyToClipboard(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Without clipboard permission (plain http, older browsers): a hidden textarea and the copy command.
    const area = el("textarea", { class: "visually-hidden", "aria-hidden": "true" });
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
}

function feedbackBar(turn) {
  const thanks = el("span", { class: "feedback-thanks", role: "status" });
  const send = async (verdict, buttons) => {
    const answer = turn.answer;
    try {
      await api("/feedback", { method: "POST", body: JSON.stringify({
        question: turn.message, answer: answer.answer, verdict, found: answer.found, intent: answer.intent,
        cited_clause_ids: answer.citations.map((c) => c.clause_id), filters: turn.filters || {},
      }) });
      turn.verdict = verdict;
      saveHistory();
      for (const b of buttons) b.disabled = true;
      thanks.textContent = `Cảm ơn! Đã ghi nhận: ${verdict}.`;
    } catch (error) {
      thanks.textContent = error.message;
    }
  };
  const right = el("button", { type: "button", class: "secondary small", text: "Đúng" });
  const wrong = el("button", { type: "button", class: "secondary small", text: "Sai" });
  right.addEventListener("click", () => send("đúng", [right, wrong]));
  wrong.addEventListener("click", () => send("sai", [right, wrong]));
  if (turn.verdict) {
    right.disabled = wrong.disabled = true;
    thanks.textContent = `Đã ghi nhận: ${turn.verdict}.`;
  }
  return el("span", { class: "feedback" }, el("span", { class: "feedback-label", text: "Câu trả lời này:" }), right, wrong, thanks);
}

function renderTurn(turn) {
  const { message, answer, filters } = turn;
  const item = el("li", { class: "turn" }, el("p", { class: "q", text: message }));
  const chips = filterChips(filters);
  if (chips.length) item.append(el("p", { class: "scope" }, el("span", { class: "scope-label", text: "Đang lọc:" }), ...chips));
  if (answer.follow_up && answer.resolved_question && answer.resolved_question !== message) {
    item.append(el("p", { class: "resolved", text: `Đã hiểu là: ${answer.resolved_question}` }));
  }
  item.append(answerParagraph(answer));
  if (!answer.found) {
    if (chips.length) {
      // A refusal under a filter may only mean the filter hid the answer: say so and offer to ask without it.
      item.append(el("div", { class: "filter-note" },
        el("p", { text: "Không tìm thấy trong phạm vi bộ lọc đang chọn. Câu trả lời có thể nằm trong văn bản khác." }),
        el("button", { type: "button", class: "primary retry-unfiltered", text: "Bỏ lọc và hỏi lại",
          onclick: () => { state.clearFilters(); ask(message); } })));
    }
    if (state.coverage && !answer.answer.includes(state.coverage)) item.append(el("p", { class: "coverage hint", text: state.coverage }));
  }
  if (answer.citations.length) {
    item.append(el("h3", { class: "sources-title", text: "Nguồn" }), citationList(answer.citations, true));
  }
  if (!answer.found && answer.related && answer.related.length) {
    item.append(el("h3", { class: "related-title", text: "Các điều khoản gần nhất (không trả lời trực tiếp câu hỏi):" }));
    item.append(citationList(answer.related, false));
  }
  const copy = el("button", { type: "button", class: "secondary small copy-answer", text: "Chép câu trả lời" });
  copy.addEventListener("click", async () => { await copyToClipboard(copyText(message, answer)); setStatus("Đã chép câu trả lời."); setTimeout(() => setStatus(""), 1500); });
  item.append(el("div", { class: "turn-actions" }, copy,
    el("a", { class: "share-link", href: shareLink(message, filters), text: "Liên kết tới câu hỏi này" }), feedbackBar(turn)));
  return item;
}

// ---- history (localStorage) ----------------------------------------------------------------------------------
function compact(answer) {
  // Citations keep a short excerpt only: the page shows no more, and storage stays small.
  const trim = (c) => ({ ...c, text: shorten(c.text, 300), headings: [] });
  return { ...answer, citations: answer.citations.map(trim), related: (answer.related || []).map(trim), facts: [] };
}

function saveHistory() {
  try {
    const turns = state.turns.slice(-HISTORY_TURNS).map((t) => ({ ...t, answer: compact(t.answer) }));
    localStorage.setItem(HISTORY_KEY, JSON.stringify({ sessionId: state.sessionId, turns }));
  } catch {
    // Storage full or disabled: the conversation still works, it just does not survive a reload.
  }
}

export function restoreHistory() {
  let saved = null;
  try { saved = JSON.parse(localStorage.getItem(HISTORY_KEY) || "null"); } catch { saved = null; }
  if (!saved || !Array.isArray(saved.turns)) return;
  state.sessionId = saved.sessionId || null;
  // A turn saved by an older page that no longer renders is dropped, never allowed to break the page.
  const items = [];
  for (const turn of saved.turns) {
    try {
      items.push(renderTurn(turn));
      state.turns.push(turn);
    } catch { /* skipped */ }
  }
  $("conversation").replaceChildren(...items);
}

export function newConversation() {
  state.sessionId = null;
  state.turns = [];
  try { localStorage.removeItem(HISTORY_KEY); } catch { /* nothing kept */ }
  $("conversation").replaceChildren();
}

// ---- asking ----------------------------------------------------------------------------------------------------
let currentFilters = () => null;
export function setFilterSource(fn) { currentFilters = fn; }

const SESSION_RESTARTED = "Cuộc trò chuyện trước đã hết hạn trên máy chủ nên một cuộc trò chuyện mới đã được bắt đầu; "
  + "câu hỏi dưới đây được hiểu như câu hỏi đầu tiên, không theo các câu trước.";

export async function ask(message) {
  const conversation = $("conversation");
  const button = $("ask-button");
  const filters = currentFilters();
  button.disabled = true;
  setStatus("Đang tìm trong văn bản…");
  try {
    const body = { message, filters };
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
    const turn = { message, filters: filters || {}, answer };
    state.turns.push(turn);
    saveHistory();
    const item = renderTurn(turn);
    conversation.append(item);
    item.scrollIntoView({ block: "nearest" });
    setStatus("");
  } catch (error) {
    conversation.append(el("li", { class: "turn" }, el("p", { class: "q", text: message }),
      el("p", { class: "error", role: "alert", text: error.message })));
    setStatus("");
  } finally {
    button.disabled = false;
  }
}
