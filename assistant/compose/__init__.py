"""Answer composition: extractive by construction.

Every agency, number and date written in an answer is copied from a cited clause (or from a fact whose
wording is a substring of its clause); the first sentence answers, the cited clause text follows, each
statement marked [n]. When the evidence does not answer the question, `found` is false and no figure is
stated. An optional generator (`Phraser`) may reword the answer later; `check_extractive` guards it.

    composer.py   Composer: ranks candidates, applies the fitted gate, picks the writer
    corpus.py     what every writer reads (store, term weights, coverage) and the Evidence it writes from
    builder.py    numbered citations and the answer text around them
    typed.py      a figure, date or body asked of a legal text: the span of that type
    plans.py      plans and notices: who is responsible, deadlines, targets, an agency's tasks
    listing.py    the clauses themselves as the answer (support, general questions, fallbacks)
    metadata.py   which province / who signed / when / what number, from the document record
    refusal.py    not found, with the clauses that came closest and what the documents cover
    checks.py     check_extractive, the guard on a reworded answer
"""

from assistant.compose.checks import check_extractive
from assistant.compose.composer import Composer

__all__ = ["Composer", "check_extractive"]
