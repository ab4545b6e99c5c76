"""Speed, memory and exactness of the top-k kernel against scikit-learn brute force, side by side in one run.

Each method runs in its own child process so that its peak memory (ru_maxrss) is its own.
Methods:
  ours              numba kernel (upper half of the symmetric product, each pair offered to both rows),
                    top-k with the other-organisation filter inside the kernel
  sklearn_filtered  scikit-learn brute-force cosine (pairwise_distances_chunked, the engine behind
                    NearestNeighbors(algorithm="brute")) with the same filter: the exact reference
  sklearn_nn        NearestNeighbors(metric="cosine", algorithm="brute").kneighbors, unfiltered top-(k+1):
                    the plain baseline of PERFORMANCE.md, for the time ratio only
Exactness: recall of "ours" against sklearn_filtered where that runs, and for every size against an
exact NumPy reference on a sample of rows; ties count as hits when the score equals the k-th best.

Usage: .venv/bin/python benchmarks/matching.py [--sizes 10000,100000] [--skip-baseline-above 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from matching.suggestions.profiles import build_profiles  # noqa: E402
from matching.suggestions.similarity import OrgMode, top_k  # noqa: E402
from matching.suggestions.synthetic import generate_network  # noqa: E402

TOLERANCE = 1e-5


def peak_mb() -> float:
    """Peak resident memory of this process in MB.

    VmHWM belongs to the address space of this program; ru_maxrss would also count the forked
    copy of the (large) parent from before exec.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:  # not Linux
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(path: str) -> tuple[sp.csr_matrix, np.ndarray]:
    data = np.load(path)
    matrix = sp.csr_matrix((data["data"], data["indices"], data["indptr"]), shape=tuple(data["shape"]))
    return matrix, data["organisations"]


def child(method: str, data_path: str, k: int, out_path: str) -> None:
    """Run one method on the saved matrix and print seconds and peak MB as JSON."""
    matrix, organisations = load(data_path)
    if method == "ours":
        # Load the compiled kernel (numba cache) before timing; compile time is not part of a nightly run's cost.
        top_k(matrix[:64], k, organisations[:64], OrgMode.REQUIRE_OTHER)
        start, cpu_start = time.perf_counter(), time.process_time()
        result = top_k(matrix, k, organisations, OrgMode.REQUIRE_OTHER)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
        indices, similarities = result.indices, result.similarities
    elif method == "sklearn_filtered":
        start, cpu_start = time.perf_counter(), time.process_time()
        indices, similarities = sklearn_filtered(matrix, organisations, k)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    elif method == "sklearn_nn":
        from sklearn.neighbors import NearestNeighbors

        start, cpu_start = time.perf_counter(), time.process_time()
        model = NearestNeighbors(n_neighbors=k + 1, metric="cosine", algorithm="brute").fit(matrix)
        distances, indices = model.kneighbors(matrix)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
        similarities = 1.0 - distances
    else:
        raise SystemExit(f"unknown method {method}")
    np.savez(out_path, indices=indices, similarities=similarities)
    print(
        json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "peak_mb": peak_mb(), "load": os.getloadavg()[0]})
    )


def sklearn_filtered(matrix: sp.csr_matrix, organisations: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact filtered top-k with scikit-learn's chunked brute-force cosine distances."""
    from sklearn.metrics import pairwise_distances_chunked

    n = matrix.shape[0]
    indices = np.full((n, k), -1, np.int64)
    similarities = np.zeros((n, k))
    columns = np.arange(n)

    def reduce(chunk: np.ndarray, start: int) -> np.ndarray:
        rows = np.arange(start, start + chunk.shape[0])
        similarity = 1.0 - chunk
        same = (organisations[rows][:, None] == organisations[None, :]) & (organisations[rows][:, None] >= 0)
        blocked = same | (rows[:, None] == columns[None, :]) | (similarity <= TOLERANCE)
        similarity[blocked] = -np.inf
        width = min(k, n)
        part = (
            np.argpartition(-similarity, width - 1, axis=1)[:, :width]
            if width < n
            else np.tile(columns, (len(rows), 1))
        )
        for offset, row in enumerate(rows):
            picks = part[offset]
            values = similarity[offset, picks]
            order = np.lexsort((picks, -values))
            picks, values = picks[order], values[order]
            valid = np.isfinite(values)
            indices[row, : valid.sum()] = picks[valid]
            similarities[row, : valid.sum()] = values[valid]
        return np.zeros(len(rows), dtype=bool)  # scikit-learn wants one value per row

    for _ in pairwise_distances_chunked(matrix, metric="cosine", reduce_func=reduce, working_memory=256):
        pass
    return indices, similarities


def run_child(method: str, data_path: str, k: int, workdir: str) -> dict:
    out_path = os.path.join(workdir, f"{method}.npz")
    completed = subprocess.run(
        [sys.executable, __file__, "--child", method, "--data", data_path, "--k", str(k), "--out", out_path],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    result = np.load(out_path)
    figures["indices"], figures["similarities"] = result["indices"], result["similarities"]
    return figures


def tie_aware_recall(ours_idx, ours_sim, ref_idx, ref_sim, rows) -> float:
    """Share of reference neighbours matched: our pick counts when its similarity reaches the reference's k-th."""
    hits = total = 0
    for row in rows:
        ref_valid = ref_sim[row][ref_idx[row] >= 0]
        our_valid = ours_sim[row][ours_idx[row] >= 0]
        total += ref_valid.size
        if ref_valid.size == 0:
            continue
        threshold = ref_valid.min() - TOLERANCE
        hits += min(ref_valid.size, int((our_valid >= threshold).sum()))
    return hits / total if total else 1.0


def sampled_reference(matrix, organisations, k, rows):
    """Exact filtered top-k for a sample of rows by dense NumPy products."""
    matrix64 = matrix.astype(np.float64)
    products = (matrix64[rows] @ matrix64.T).toarray()
    indices = np.full((matrix.shape[0], k), -1)
    similarities = np.zeros((matrix.shape[0], k))
    for offset, row in enumerate(rows):
        similarity = products[offset]
        allowed = (similarity > 0) & (np.arange(matrix.shape[0]) != row)
        if organisations[row] >= 0:
            allowed &= organisations != organisations[row]
        candidates = np.flatnonzero(allowed)
        order = np.lexsort((candidates, -similarity[candidates]))[:k]
        indices[row, : order.size] = candidates[order]
        similarities[row, : order.size] = similarity[candidates[order]]
    return indices, similarities


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--skip-baseline-above", type=int, default=10000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--organisations", type=int, default=40)
    parser.add_argument("--check-rows", type=int, default=300)
    parser.add_argument("--child")
    parser.add_argument("--data")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, args.k, args.out)
        return
    print(
        f"top-{args.k} with the other-organisation filter; {os.cpu_count()} cores; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    header = (
        f"{'members':>8} {'method':<17} {'seconds':>9} {'CPU s':>8} {'load':>5}"
        f" {'peak MB':>8} {'ratio':>7} {'recall':>7}"
    )
    print(header)
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as workdir:
            start = time.perf_counter()
            network = generate_network(size, seed=args.seed, n_organisations=args.organisations)
            generated = time.perf_counter() - start
            start = time.perf_counter()
            profiles = build_profiles(network.profiles)
            built = time.perf_counter() - start
            matrix = profiles.matrix
            data_path = os.path.join(workdir, "data.npz")
            np.savez(
                data_path,
                data=matrix.data,
                indices=matrix.indices,
                indptr=matrix.indptr,
                shape=np.array(matrix.shape),
                organisations=profiles.organisation_ids,
            )
            print(
                f"# {size} members: generated in {generated:.1f} s, profiles built in {built:.1f} s, "
                f"{matrix.shape[1]} features, {matrix.nnz / max(size, 1):.1f} non-zeros per row"
            )
            ours = run_child("ours", data_path, args.k, workdir)
            rng = np.random.default_rng(args.seed)
            sample = np.sort(rng.choice(size, size=min(args.check_rows, size), replace=False))
            ref_idx, ref_sim = sampled_reference(matrix, profiles.organisation_ids, args.k, sample)
            sample_recall = tie_aware_recall(ours["indices"], ours["similarities"], ref_idx, ref_sim, sample)
            exact_rows = float(np.mean([(ours["indices"][r] == ref_idx[r]).all() for r in sample]))
            baselines = {}
            if size <= args.skip_baseline_above:
                baselines["sklearn_filtered"] = run_child("sklearn_filtered", data_path, args.k, workdir)
                baselines["sklearn_nn"] = run_child("sklearn_nn", data_path, args.k, workdir)
            print(
                f"{size:>8} {'ours':<17} {ours['seconds']:>9.2f} {ours['cpu_seconds']:>8.1f} {ours['load']:>5.1f} "
                f"{ours['peak_mb']:>8.0f} {'1.00':>7} {sample_recall:>7.4f}"
                f"   (sample of {sample.size} rows vs exact NumPy; identical index lists: {exact_rows:.3f})"
            )
            for name, figures in baselines.items():
                ratio = figures["seconds"] / ours["seconds"]
                recall = ""
                if name == "sklearn_filtered":
                    full = tie_aware_recall(
                        ours["indices"], ours["similarities"], figures["indices"], figures["similarities"], range(size)
                    )
                    recall = f"{full:.4f}"
                print(
                    f"{size:>8} {name:<17} {figures['seconds']:>9.2f} {figures['cpu_seconds']:>8.1f}"
                    f" {figures['load']:>5.1f} "
                    f"{figures['peak_mb']:>8.0f} {ratio:>6.1f}x {recall:>7}"
                )
            if size > args.skip_baseline_above:
                print(f"{size:>8} (baselines skipped above {args.skip_baseline_above}; use --skip-baseline-above)")
    print(
        "seconds = wall clock; CPU s = all threads (2 per core-second when both cores are ours); load = 1-min load "
        "average at the end; ratio = baseline seconds / our seconds; "
        "recall of ours against the filtered reference (1.0 = exact)"
    )


if __name__ == "__main__":
    main()
