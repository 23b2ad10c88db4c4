"""The fitted candidate ranker: a logistic model over `features.FEATURE_NAMES`, read from a versioned JSON file.

`eval/fit_ranker.py` fits it (`make fit-ranker`) on the training questions, with the answerability model that
decides found / not found (`answerability.py`); the product only reads the file, so answering needs neither scikit-learn nor
any tuning constant in code. The probability is "this candidate states the answer to this question".
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.answering.answerability import ANSWERABILITY_FEATURES, AnswerabilityModel
from assistant.answering.candidate import Candidate
from assistant.answering.features import FEATURE_NAMES, vector
from assistant.errors import RankerFileError

DEFAULT_RANKER_PATH = Path(__file__).resolve().parent / "ranker.json"


@dataclass(frozen=True)
class Ranker:
    version: str
    feature_names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coefficients: tuple[float, ...]
    intercept: float
    # Smallest probability for a clause to be quoted as further evidence, and for the best clause to answer where
    # no answerability model decides (the base the row and follow-up thresholds were chosen from).
    threshold: float
    # A chat message read into its conversation's thread states an answer only if, past the answerability model,
    # its best clause has this probability too: the dialogue wrote part of the question; fitted on the training
    # conversations (None: `threshold`).
    follow_up_threshold: float | None = None
    # One row of a grouped answer (one province's plan, one named document) states a fact from this probability
    # up: the question named that document, so it is fitted on the training questions across documents.
    row_threshold: float | None = None
    # Whether a question asked whole is answered at all is decided by this model over the whole ranking
    # (answerability.py), not by `threshold` on the best clause alone; None: by `threshold`.
    answerability: AnswerabilityModel | None = None
    # A chat message that is only a question form ("Nộp ở đâu?"), answered from the clauses near the thread's last
    # answer (the next step of the procedure, the next figure of the plan's section), is stated from this
    # answerability probability up: where the thread already was is evidence the whole-corpus model cannot see.
    # Fitted end to end on the training and dev conversations (None: the answerability model's own threshold).
    thread_answerability_threshold: float | None = None

    @property
    def thread_answerability_bar(self) -> float | None:
        if self.thread_answerability_threshold is not None:
            return self.thread_answerability_threshold
        return None if self.answerability is None else self.answerability.threshold

    @property
    def row_bar(self) -> float:
        return self.threshold if self.row_threshold is None else self.row_threshold

    @property
    def follow_up_bar(self) -> float:
        return self.threshold if self.follow_up_threshold is None else self.follow_up_threshold

    def score(self, candidates: list[Candidate]) -> list[Candidate]:
        """Sets each candidate's probability; best first."""
        for candidate in candidates:
            candidate.probability = self.probability_of(vector(candidate))
        return sorted(candidates, key=lambda c: (-c.probability, c.position))

    def probability_of(self, row: list[float]) -> float:
        z = self.intercept
        for value, mean, scale, coef in zip(row, self.mean, self.scale, self.coefficients, strict=True):
            z += coef * (value - mean) / scale
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": self.version, "feature_names": list(self.feature_names), "mean": list(self.mean),
                "scale": list(self.scale), "coefficients": list(self.coefficients), "intercept": self.intercept,
                "threshold": self.threshold, "follow_up_threshold": self.follow_up_threshold,
                "row_threshold": self.row_threshold,
                "thread_answerability_threshold": self.thread_answerability_threshold,
                "answerability": None if self.answerability is None else self.answerability.to_dict(),
            },
            indent=2,
        )


def load_ranker(path: Path = DEFAULT_RANKER_PATH) -> Ranker:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ranker = Ranker(
            version=str(data["version"]), feature_names=tuple(data["feature_names"]), mean=tuple(data["mean"]),
            scale=tuple(data["scale"]), coefficients=tuple(data["coefficients"]), intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            follow_up_threshold=None if data.get("follow_up_threshold") is None else float(data["follow_up_threshold"]),
            row_threshold=None if data.get("row_threshold") is None else float(data["row_threshold"]),
            thread_answerability_threshold=(None if data.get("thread_answerability_threshold") is None
                                            else float(data["thread_answerability_threshold"])),
            answerability=(None if data.get("answerability") is None
                           else AnswerabilityModel.from_dict(data["answerability"])),
        )
    except FileNotFoundError as exc:
        raise RankerFileError(str(path), "missing") from exc
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise RankerFileError(str(path), f"not a ranker file: {exc}") from exc
    if ranker.feature_names != FEATURE_NAMES:
        raise RankerFileError(str(path), "fitted on other features")
    if ranker.answerability is not None and ranker.answerability.feature_names != ANSWERABILITY_FEATURES:
        raise RankerFileError(str(path), "answerability fitted on other features")
    return ranker


@lru_cache(maxsize=4)
def default_ranker(path: Path = DEFAULT_RANKER_PATH) -> Ranker:
    return load_ranker(path)
