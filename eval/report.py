"""Markdown report and PNG chart of an `EvalResult` (written by `htx-eval --out DIR`).

The harness imports this module to write its report, so this module does not import the harness back: it reads
the results by attribute only (the aliases below name the harness's models for readers).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

EvalResult = Any  # eval.harness.EvalResult
SystemMetrics = Any  # eval.harness.SystemMetrics

COLUMNS = [
    ("answer_accuracy", "accuracy"),
    ("correct_cited", "correct+cited"),
    ("recall_at_1", "R@1"),
    ("recall_at_5", "R@5"),
    ("mrr_at_10", "MRR@10"),
    ("citation_support", "citation support"),
    ("refusal_precision", "refusal P"),
    ("refusal_recall", "refusal R"),
    ("confidently_wrong", "confidently wrong"),
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
]
ANSWER_PREVIEW_CHARS = 300
CHART_NAME = "accuracy_by_intent.png"


def _cell(value: float | None, key: str) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if key.startswith("latency") else f"{value:.3f}"


def _table(rows: list[tuple[str, SystemMetrics]], first: str) -> str:
    head = f"| {first} | n | " + " | ".join(label for _, label in COLUMNS) + " |"
    rule = "|" + "---|" * (len(COLUMNS) + 2)
    lines = [head, rule]
    for name, m in rows:
        cells = " | ".join(_cell(getattr(m, key), key) for key, _ in COLUMNS)
        lines.append(f"| {name} | {m.n} | {cells} |")
    return "\n".join(lines)


def metrics_table(result: EvalResult) -> str:
    return _table(list(result.systems.items()), "system")


def _grouped(result: EvalResult, attr: str) -> str:
    groups = sorted({g for report in result.systems.values() for g in getattr(report, attr)})
    parts = []
    for group in groups:
        rows = [(name, getattr(r, attr)[group]) for name, r in result.systems.items() if group in getattr(r, attr)]
        parts.append(f"#### {group}\n\n" + _table(rows, "system"))
    return "\n\n".join(parts)


def _external_section(external: dict[str, Any]) -> str:
    if not external:
        return ""
    lines = ["## External question sets (retrieval only)", "",
             "| set | questions | articles | system | R@5 | MRR@10 |", "|---|---|---|---|---|---|"]
    for name, ds in external.get("datasets", {}).items():
        for system, m in ds.get("systems", {}).items():
            lines.append(
                f"| {name} | {ds.get('n_questions')} | {ds.get('n_articles')} | {system} | "
                f"{_cell(m.get('recall@5'), 'r')} | {_cell(m.get('mrr@10'), 'r')} |"
            )
    if external.get("note"):
        lines += ["", external["note"]]
    return "\n".join(lines)


def _failures(result: EvalResult, system: str = "assistant") -> str:
    failed = [s for s in result.items.get(system, []) if not s.correct]
    if not failed:
        return f"No failed items for `{system}`."
    lines = [f"{len(failed)} failed items for `{system}`:", ""]
    for s in failed:
        preview = " ".join(s.answer.split())[:ANSWER_PREVIEW_CHARS]
        why = []
        if not s.answerable and s.found:
            why.append("answered an unanswerable question")
        if s.answerable and not s.found:
            why.append("said not found")
        if s.missing_facts:
            why.append("missing " + "; ".join(" / ".join(f) for f in s.missing_facts))
        if s.answerable and s.supported is False:
            why.append("no cited clause holds the gold support")
        lines += [
            f"- **{s.id}** ({s.intent}, {s.category}): {s.question}",
            f"  - asked: {s.asked}" if s.asked and s.asked != s.question else "",
            f"  - expected: {' | '.join(' / '.join(f) for f in s.expected_facts) or '(refusal)'}",
            f"  - answered (found={s.found}): {preview}",
            f"  - cited: {', '.join(s.cited_ids) or '(none)'}",
            f"  - why: {'; '.join(why) or 'see above'}",
        ]
    return "\n".join(line for line in lines if line)


def _confidently_wrong(result: EvalResult) -> str:
    """Every system's answers that were given with a citation and are wrong: the failures that mislead."""
    lines: list[str] = []
    for system, scores in result.items.items():
        wrong = [s for s in scores if s.confidently_wrong]
        lines += [f"### {system}: {len(wrong)} of {len(scores)}", ""]
        for s in wrong:
            preview = " ".join(s.answer.split())[:ANSWER_PREVIEW_CHARS]
            expected = " | ".join(" / ".join(f) for f in s.expected_facts) or "(refusal)"
            lines.append(f"- **{s.id}**: {s.question} — expected {expected}; answered: {preview}")
        lines.append("")
    return "\n".join(lines)


def write_chart(result: EvalResult, path: Path) -> Path:
    """Grouped bars: answer accuracy by intent, one bar per system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = list(result.systems)
    intents = sorted({i for r in result.systems.values() for i in r.by_intent})
    width = 0.8 / max(len(systems), 1)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.4 * len(intents) + 2), 4.2))
    for k, name in enumerate(systems):
        by_intent = result.systems[name].by_intent
        values = [(by_intent[i].answer_accuracy or 0.0) if i in by_intent else 0.0 for i in intents]
        xs = [x + (k - (len(systems) - 1) / 2) * width for x in range(len(intents))]
        ax.bar(xs, values, width=width, label=name)
    ax.set_xticks(range(len(intents)))
    ax.set_xticklabels([f"{i}\n(n={next(iter(result.systems.values())).by_intent[i].n})" for i in intents])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("answer accuracy")
    ax.set_title(f"Answer accuracy by intent ({result.n_questions} questions)")
    ax.legend(fontsize=8, ncols=min(len(systems), 4), loc="upper center", bbox_to_anchor=(0.5, -0.18))
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def render_markdown(result: EvalResult) -> str:
    parts = [
        "# Evaluation report",
        "",
        f"{result.n_questions} gold questions from `{result.qa_file}`; index of {result.index_documents} "
        f"documents; embedding model `{result.embed_model}`. All systems share the index and embedding model.",
        "",
        "accuracy: answerable → found and every key fact in the answer; unanswerable → refused. "
        "correct+cited additionally needs a cited unit holding a gold support span. "
        "R@k/MRR@10 over gold clauses (answerable items). Refusal P/R: positives are unanswerable items.",
        "",
        "## Systems",
        "",
        metrics_table(result),
        "",
        f"![accuracy by intent]({CHART_NAME})",
        "",
        "## By intent",
        "",
        _grouped(result, "by_intent"),
        "",
        "## By category",
        "",
        _grouped(result, "by_category"),
        "",
        _external_section(result.external),
        "",
        "## Confidently wrong answers",
        "",
        "Found, with citations, and wrong (a key fact missing, no cited gold clause, or an unanswerable question "
        "answered).",
        "",
        _confidently_wrong(result),
        "## Failed items (assistant)",
        "",
        _failures(result),
        "",
    ]
    return "\n".join(parts)


def write_report(result: EvalResult, out_dir: Path) -> Path:
    """Write report.md, the chart and results.json into `out_dir`; returns the report path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_chart(result, out_dir / CHART_NAME)
    report = out_dir / "report.md"
    report.write_text(render_markdown(result), encoding="utf-8")
    (out_dir / "results.json").write_text(result.model_dump_json(indent=2), encoding="utf-8")
    items = [s.model_dump() for scores in result.items.values() for s in scores]
    import json

    (out_dir / "items.jsonl").write_text(
        "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8"
    )
    return report
