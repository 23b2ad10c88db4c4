// Small helpers shared by the page's modules. Document text is data: it is only ever inserted with textContent
// (never as HTML), so text in a document that looks like markup or an instruction is shown as written.

export const $ = (id) => document.getElementById(id);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function shorten(text, limit) {
  if (!text || text.length <= limit) return text || "";
  return text.slice(0, limit - 1).replace(/\s+\S*$/, "") + " …";
}

// Accent- and case-insensitive form for searching ("so tai chinh" finds "Sở Tài chính").
export function fold(text) {
  return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D")
    .toLowerCase();
}

export function setStatus(text) { $("status").textContent = text || ""; }

export async function api(path, options = {}) {
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

export function formatDate(iso) {
  if (!iso) return "";
  const [year, month, day] = iso.split("-");
  return `${day}/${month}/${year}`;
}

// "Today" for overdue marks; ?hom_nay=YYYY-MM-DD in the address sets it (to check a plan as of a given day).
export function today() {
  const given = new URLSearchParams(location.search).get("hom_nay");
  if (given && /^\d{4}-\d{2}-\d{2}$/.test(given)) return given;
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
}

export function narrowScreen() { return window.matchMedia("(max-width: 900px)").matches; }
