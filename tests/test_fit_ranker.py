"""Choosing the found / not-found threshold: what each kind of outcome is worth."""

from __future__ import annotations

from eval.fit_ranker import WRONG_ANSWER_COST, Outcome, choose_threshold


def test_a_wrong_answer_costs_more_than_a_refusal() -> None:
    # Two right answers above 0.6, one wrong at 0.4: the threshold keeps the right ones and refuses the wrong.
    outcomes = [Outcome(0.9, True, True, True), Outcome(0.7, True, True, True), Outcome(0.4, True, False, True)]
    threshold, stats = choose_threshold(outcomes)
    assert 0.4 < threshold <= 0.7
    assert stats["right"] == 2 and stats["wrong"] == 0
    assert WRONG_ANSWER_COST > 1


def test_a_question_refused_anyway_is_never_counted_as_answered() -> None:
    # The unanswerable question is refused by the composer itself (found False) even with a high confidence:
    # it is a right refusal at every threshold, so it cannot push the threshold up.
    outcomes = [Outcome(0.95, False, False, False), Outcome(0.3, True, True, True)]
    threshold, stats = choose_threshold(outcomes)
    assert threshold <= 0.3
    assert stats == {"right": 1, "refused_right": 1, "wrong": 0, "n": 2}


def test_a_broad_plateau_beats_a_narrow_spike() -> None:
    # Answering from 0.30 up scores one more than the plateau from 0.36 to 0.90, but at that one threshold only
    # (wrong answers at 0.29, 0.34 and 0.35 around it): the plateau is the steadier choice.
    right = [Outcome(c, True, True, True) for c in (0.90, 0.91, 0.92, 0.30, 0.30, 0.31, 0.32, 0.33)]
    wrong = [Outcome(c, True, False, True) for c in (0.29, 0.34, 0.35)]
    threshold, stats = choose_threshold([*right, *wrong])
    assert 0.35 < threshold <= 0.90
    assert stats["right"] == 3 and stats["wrong"] == 0


def test_the_row_and_follow_up_thresholds_are_kept_in_the_ranker_file(tmp_path) -> None:  # noqa: ANN001
    import dataclasses

    from assistant.answering.ranker import default_ranker, load_ranker

    shipped = default_ranker()
    assert shipped.row_threshold is not None and shipped.follow_up_threshold is not None  # fitted, not defaults
    path = tmp_path / "ranker.json"
    path.write_text(dataclasses.replace(shipped, row_threshold=0.2, follow_up_threshold=0.6).to_json())
    loaded = load_ranker(path)
    assert (loaded.row_bar, loaded.follow_up_bar) == (0.2, 0.6)
    unfitted = dataclasses.replace(loaded, row_threshold=None, follow_up_threshold=None)
    assert unfitted.row_bar == unfitted.follow_up_bar == unfitted.threshold


def test_the_thread_answerability_threshold_is_kept_in_the_ranker_file(tmp_path) -> None:  # noqa: ANN001
    import dataclasses

    from assistant.answering.ranker import default_ranker, load_ranker

    shipped = default_ranker()
    assert shipped.answerability is not None and shipped.thread_answerability_threshold is not None  # fitted
    path = tmp_path / "ranker.json"
    path.write_text(dataclasses.replace(shipped, thread_answerability_threshold=0.41).to_json())
    assert load_ranker(path).thread_answerability_bar == 0.41
    unfitted = dataclasses.replace(shipped, thread_answerability_threshold=None)
    assert unfitted.thread_answerability_bar == shipped.answerability.threshold
    assert dataclasses.replace(unfitted, answerability=None).thread_answerability_bar is None


def _outcomes_separable_by_gap(n: int = 60) -> list[Outcome]:
    """Answers that are right when the best clause is well ahead of the next one, wrong when two are alike,
    whatever the best probability: what a threshold on the best probability alone cannot see."""
    import random

    from assistant.answering.answerability import ANSWERABILITY_FEATURES

    rng = random.Random(7)
    gap = ANSWERABILITY_FEATURES.index("probability_gap")
    best = ANSWERABILITY_FEATURES.index("best_probability")
    out = []
    for i in range(n):
        features = [0.0] * len(ANSWERABILITY_FEATURES)
        features[best] = rng.uniform(0.3, 0.6)
        right = i % 2 == 0
        features[gap] = rng.uniform(0.2, 0.4) if right else rng.uniform(0.0, 0.05)
        out.append(Outcome(features[best], True, right, True, tuple(features)))
    return out


def test_the_answerability_model_learns_what_the_best_probability_cannot_tell() -> None:
    from eval.fit_ranker import fit_answerability

    outcomes = _outcomes_separable_by_gap()
    model = fit_answerability(outcomes)
    right = [model.probability(list(o.features)) for o in outcomes if o.correct]
    wrong = [model.probability(list(o.features)) for o in outcomes if not o.correct]
    assert min(right) > model.threshold > max(wrong)


def test_the_size_of_the_answerability_trees_is_the_one_asked() -> None:
    from eval.fit_ranker import ANSWERABILITY_TREES, TreeSettings, fit_answerability

    default = fit_answerability(_outcomes_separable_by_gap(), repeats=1)
    assert len(default.trees) == ANSWERABILITY_TREES.trees
    small = fit_answerability(_outcomes_separable_by_gap(), repeats=1, size=TreeSettings(7, 1, 0.1, 5))
    # depth 1: a split and its two leaves
    assert len(small.trees) == 7 and all(len(tree.left) == 3 for tree in small.trees)


def test_the_answerability_trees_are_kept_in_the_ranker_file_and_checked(tmp_path) -> None:  # noqa: ANN001
    import dataclasses
    import json

    import pytest

    from assistant.answering.ranker import default_ranker, load_ranker
    from assistant.errors import RankerFileError
    from eval.fit_ranker import fit_answerability

    model = fit_answerability(_outcomes_separable_by_gap())
    path = tmp_path / "ranker.json"
    path.write_text(dataclasses.replace(default_ranker(), answerability=model).to_json())
    loaded = load_ranker(path).answerability
    assert loaded is not None and loaded.threshold == model.threshold and len(loaded.trees) == len(model.trees)
    probe = list(_outcomes_separable_by_gap(4)[1].features)
    assert loaded.probability(probe) == model.probability(probe)
    data = json.loads(path.read_text())
    data["answerability"]["feature_names"] = data["answerability"]["feature_names"][:-1]
    path.write_text(json.dumps(data))
    with pytest.raises(RankerFileError, match="answerability"):
        load_ranker(path)
