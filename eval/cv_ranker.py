"""Cross-validated end-to-end scores of the answer ranker (`python -m eval.cv_ranker`), for choosing features
and model settings without reading the test split.

The dev split alone (40 questions) moves 2.5 points per question, too coarse to compare two feature sets. Here
every training and dev question is held out once: the ranker is fitted on the other folds, its found /
not-found threshold chosen on the other folds' answers, and the held-out questions are answered end to end
with it. Reported: accuracy, confidently wrong, right refusals, overall and per question file. Nothing is
written; `make fit-ranker` makes the product's ranker.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
from collections import defaultdict

import numpy as np

from assistant.answering.ranker import Ranker
from assistant.settings import Settings
from eval import fit_ranker
from eval.fit_ranker import (
    DEV_FILES,
    FEATURE_NAMES,
    TRAIN_FILES,
    Outcome,
    QuestionCandidates,
    TreeSettings,
    _fit,
    _matrix,
    choose_threshold,
    collect,
    end_to_end_outcomes,
    fit_answerability,
    fitted_outcomes,
)
from eval.gold import QAItem, load_qa

log = logging.getLogger(__name__)
THRESHOLD_FILES: set[str] | None = None


@dataclasses.dataclass
class _Boosted:
    """A gradient-boosted ranker for comparison (the product reads the logistic one)."""

    model: object
    threshold: float = 0.0
    row_bar: float = 0.0  # grouped-answer rows and follow-ups answer at the found threshold, as an unfitted ranker
    follow_up_bar: float = 0.0

    def score(self, candidates: list) -> list:  # noqa: ANN001
        from assistant.answering.features import vector

        if candidates:
            probabilities = self.model.predict_proba(np.array([vector(c) for c in candidates]))[:, 1]  # type: ignore[attr-defined]
            for candidate, probability in zip(candidates, probabilities, strict=True):
                candidate.probability = float(probability)
        return sorted(candidates, key=lambda c: (-c.probability, c.position))


def _ranker(questions: list[QuestionCandidates], kind: str = "logistic") -> Ranker | _Boosted:
    if kind == "boosted":
        from sklearn.ensemble import HistGradientBoostingClassifier

        x, y, _ = _matrix(questions)
        return _Boosted(HistGradientBoostingClassifier(max_depth=3, max_iter=150, learning_rate=0.05,
                                                       l2_regularization=1.0, random_state=0).fit(x, y))
    x, y, _ = _matrix(questions)
    model, mean, scale = _fit(x, y)
    return Ranker(version="cv", feature_names=FEATURE_NAMES, mean=tuple(float(v) for v in mean),
                  scale=tuple(float(v) for v in scale), coefficients=tuple(float(v) for v in model.coef_[0]),
                  intercept=float(model.intercept_[0]), threshold=0.0)


def _score(outcomes: list[Outcome], threshold: float) -> dict[str, int]:
    answered = [o for o in outcomes if o.found and o.confidence >= threshold]
    right = sum(1 for o in answered if o.correct)
    return {"n": len(outcomes), "right": right, "wrong": len(answered) - right,
            "refused_right": sum(1 for o in outcomes if not o.answerable and not (o.found and o.confidence >= threshold))}


def cross_validate(settings: Settings, folds: int = 5, seed: int = 0,
                   kind: str = "logistic") -> dict[str, dict[str, int]]:
    from assistant.service import Assistant

    assistant = Assistant(settings, use_llama_index=False).load()
    assistant._answers.size = 0  # noqa: SLF001 - every fold answers with its own ranker
    sources: dict[str, list[QAItem]] = {path.name: [i for i in load_qa(path) if not i.turns]
                                        for path in (*TRAIN_FILES, *DEV_FILES)}
    items = [(name, item) for name, its in sources.items() for item in its]
    collected = collect(assistant, [item for _, item in items])
    fold_of = np.random.default_rng(seed).permutation(len(items)) % folds
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for fold in range(folds):
        train = [q for q, f in zip(collected, fold_of, strict=True) if f != fold]
        assistant.use_ranker(_ranker(train, kind))  # threshold off
        outcomes = end_to_end_outcomes(assistant, [item for _, item in items])
        threshold, _ = choose_threshold([o for o, f, (name, _) in zip(outcomes, fold_of, items, strict=True)
                                         if f != fold and (THRESHOLD_FILES is None or name in THRESHOLD_FILES)])
        for (name, _), outcome, f in zip(items, outcomes, fold_of, strict=True):
            if f != fold:
                continue
            for key, value in _score([outcome], threshold).items():
                totals[name][key] += value
                totals["all"][key] += value
        log.info("fold %d: threshold %.2f", fold, threshold)
    return {name: dict(t) for name, t in totals.items()}


def answerability_sizes(settings: Settings, sizes: list[TreeSettings]) -> dict[TreeSettings, dict[str, int]]:
    """Each size of answerability trees scored by leaving each dev file out in turn: the trees fitted on the
    training outcomes and the other dev files, their threshold chosen on the other dev files (as `fit` chooses
    it), the held-out file answered with them. The outcomes are those `fit` computes."""
    from assistant.service import Assistant

    assistant = Assistant(settings, use_llama_index=False).load()
    train_items = [item for path in TRAIN_FILES for item in load_qa(path)]
    dev_files = {path.name: [i for i in load_qa(path) if not i.turns] for path in DEV_FILES}
    _, _, outcomes, ids = fitted_outcomes(assistant, train_items, [i for its in dev_files.values() for i in its])
    file_of = {item.id: name for name, items in dev_files.items() for item in items}
    scores: dict[TreeSettings, dict[str, int]] = {}
    for size in sizes:
        total: defaultdict[str, int] = defaultdict(int)
        for held_out in dev_files:
            rest = [(o, i in file_of) for o, i in zip(outcomes, ids, strict=True) if file_of.get(i) != held_out]
            model = fit_answerability([o for o, _ in rest], [dev for _, dev in rest], size=size)
            for outcome, i in zip(outcomes, ids, strict=True):
                if file_of.get(i) == held_out:
                    stated = outcome.features and model.probability(list(outcome.features)) >= model.threshold
                    judged = outcome._replace(confidence=1.0 if stated else 0.0)
                    for key, value in _score([judged], 0.5).items():
                        total[key] += value
        scores[size] = dict(total)
        log.info("answerability %s: %s", size, scores[size])
    return scores


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", choices=["logistic", "boosted"], default="logistic")
    parser.add_argument("--wrong-answer-cost", type=float, help="override fit_ranker.WRONG_ANSWER_COST")
    parser.add_argument("--answerability", nargs="+", metavar="TREES,DEPTH,RATE,MIN_LEAF",
                        help="instead: score these sizes of answerability trees, leaving each dev file out in turn")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.wrong_answer_cost is not None:
        fit_ranker.WRONG_ANSWER_COST = args.wrong_answer_cost
    if args.answerability:
        sizes = [TreeSettings(int(t), int(d), float(r), int(m))
                 for t, d, r, m in (spec.split(",") for spec in args.answerability)]
        for size, t in answerability_sizes(Settings(), sizes).items():
            value = t["right"] + t["refused_right"] - fit_ranker.WRONG_ANSWER_COST * t["wrong"]
            print(f"{size}: right {t['right']} wrong {t['wrong']} refused right {t['refused_right']} value {value:g}")
        return
    for name, t in cross_validate(Settings(), args.folds, args.seed, args.model).items():
        accuracy = (t["right"] + t["refused_right"]) / t["n"]
        print(f"{name:20s} n={t['n']:4d} accuracy={accuracy:.3f} confidently_wrong={t['wrong'] / t['n']:.3f}")


if __name__ == "__main__":
    main()


__all__ = ["cross_validate"]
