"""The clauses themselves as the answer: support measures and general questions, and the fallback of every
intent whose expected form (an agency, a deadline, a figure) the relevant clauses do not take."""

from __future__ import annotations

from assistant.answering.features import question_words
from assistant.compose.builder import AnswerBuilder, excerpt, group_by_document, shorten
from assistant.compose.corpus import Corpus, Evidence
from assistant.labels import citation_label
from assistant.models import Answer, QueryAnalysis
from ingest.lexicon import lexicon

# Heads the clauses listed after the answer's own (related, not the answer).
SEE_ALSO = "\nXem thêm:"
MAX_CITATIONS = 6
# Items of the best clause's list shown with it: a few for a general question, the whole list (within reason)
# when the question asks for one ("những điều kiện gì", "hồ sơ gồm những gì").
LISTED_ITEMS = 5
LISTED_ITEMS_ASKED = 12
# A clause under "Xem thêm" is shown by its sentences nearest the question, enough to judge whether it matters.
FURTHER_CHARS = 320
# Another item of the best clause's list is shown from its opening, up to this length.
SIBLING_CHARS = 220
UNCITABLE_KINDS = lexicon().documents.uncitable_kinds


def listing(corpus: Corpus, analysis: QueryAnalysis, relevant: list[Evidence], evidence: list[Evidence]) -> Answer:
    """The best clause, widened to its siblings under a shared heading when it is one item of a list (a support
    programme, a task list), one item a line; the other relevant clauses follow under "Xem thêm", briefly, so
    the answer reads as the clause that answers rather than a wall of neighbouring quotes."""
    answering, further = _chosen(corpus, analysis, relevant)
    top = relevant[0]
    words = question_words(analysis)
    builder = AnswerBuilder()
    sentences = []
    for doc, items in group_by_document(answering):
        lead = f"Theo {citation_label(doc, items[0].clause)}:"
        completed = items[0].clause.lead_in
        if completed and all(completed not in ev.clause.text for ev in items):
            # Points read with the lead-in they complete ("Các trường hợp sau đây bị thu hồi Giấy chứng nhận:"):
            # without it a point does not say what it is a case of.
            lead += f" “{shorten(completed, 300)}”"
        parts = [f"{_item_text(ev, words, ev is top)} [{builder.cite(ev, quoted=True)}]" for ev in items]
        if len(parts) == 1:
            sentences.append(f"{lead} {parts[0]}.")
        else:
            sentences.append("\n".join([lead, *(f"• {part}" for part in parts)]))
    if further:
        sentences.append(SEE_ALSO)
        sentences += [f"• {citation_label(ev.document, ev.clause)}: {excerpt(ev.clause.text, words, FURTHER_CHARS)} "
                      f"[{builder.cite(ev, quoted=True)}]" for ev in further]
    facts = [f for ev in [*answering, *further] for f in ev.facts]
    return builder.answer(analysis, sentences, found=True, facts=facts)


def _item_text(ev: Evidence, words: list[str], is_best: bool) -> str:
    """The best clause cut around the sentence nearest the question; another item of its list from its opening,
    which names the item ("a) Quyền sử dụng đất do Nhà nước giao …"): cut around the question's words, the item
    showed a middle sentence that shares them and lost what it is."""
    return excerpt(ev.clause.text, words, 500) if is_best else shorten(" ".join(ev.clause.text.split()), SIBLING_CHARS)


def _chosen(corpus: Corpus, analysis: QueryAnalysis, relevant: list[Evidence]) -> tuple[list[Evidence], list[Evidence]]:
    """The clauses that answer (the best clause, its siblings or its items, and for several provinces the best
    clause of each other document), then the other relevant clauses."""
    top = relevant[0]
    chosen: list[Evidence] = [top]
    if top.clause.kind == "heading" or top.clause.text.rstrip().endswith(":"):
        # A bare section heading ("2.5. Sở Tài chính:") or a lead-in ("Hồ sơ bao gồm:") answers through its items.
        related = corpus.store.children(top.clause.id)
    elif top.clause.parent_id and top.clause.kind in {"bullet", "paragraph"}:
        related = corpus.store.children(top.clause.parent_id)
    else:
        related = []
    limit = LISTED_ITEMS_ASKED if analysis.answer_type == "list" else LISTED_ITEMS
    for sib in related:
        if sib.id != top.clause.id and sib.kind not in UNCITABLE_KINDS and len(chosen) < limit:
            chosen.append(Evidence(sib, top.document, top.score, top.coverage))
    if len(analysis.provinces) > 1:
        # Several provinces asked: the best clause of every other document comes before more of the first.
        for ev in relevant[1:]:
            if all(ev.document.id != c.document.id for c in chosen):
                chosen.append(ev)
    further: list[Evidence] = []
    for ev in relevant[1:]:
        if len(chosen) + len(further) >= max(MAX_CITATIONS, limit):
            break
        if all(ev.clause.id != c.clause.id for c in [*chosen, *further]):
            further.append(ev)
    return chosen, further
