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

Second part, the whole matching step (what a nightly run waits for): member inputs -> profiles -> top-k
-> allocation -> explanations, per phase, beside the scikit-learn pipeline (TfidfVectorizer +
NearestNeighbors brute cosine + the same bonus and allocation) in the same run, each in its own process.

Usage: .venv/bin/python benchmarks/matching.py [--sizes 10000,100000] [--skip-baseline-above 10000]
       [--step-sizes 10000,100000] [--skip-sklearn-step-above 100000] [--no-kernel]
"""

from __future__ import annotations

import argparse
import contextlib
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


def reset_peak() -> None:
    """Start a new peak-memory measurement (Linux: writing 5 to clear_refs resets VmHWM)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def step_child(method: str, size: int, seed: int, organisations: int) -> None:
    """The whole matching step on a generated network, timed per phase; prints JSON."""
    from matching.suggestions.engine import exclusion_reason, run_matching
    from matching.suggestions.rules import default_rules

    network = generate_network(size, seed=seed, n_organisations=organisations)
    rules = default_rules()
    inputs_mb = peak_mb()
    if method == "step_ours":
        # Load the compiled kernels (numba cache) first: compiling is not part of a nightly run's cost.
        small = generate_network(50, seed=seed)
        run_matching(small.profiles, small.statuses, rules, small.history, small.today, seed)
        reset_peak()
        start, cpu_start = time.perf_counter(), time.process_time()
        result = run_matching(network.profiles, network.statuses, rules, network.history, network.today, seed)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
        phases = result.timings
        suggestions = len(result.suggestions)
    else:
        eligible = [
            p
            for p in network.profiles
            if exclusion_reason(p.member_id, network.statuses.get(p.member_id), rules, network.today) is None
        ]
        reset_peak()
        start, cpu_start = time.perf_counter(), time.process_time()
        phases, suggestions = sklearn_step(eligible, rules, seed)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "peak_mb": peak_mb(),
                "inputs_mb": inputs_mb,
                "load": os.getloadavg()[0],
                "phases": phases,
                "suggestions": suggestions,
            }
        )
    )


def sklearn_step(eligible, rules, seed: int) -> tuple[dict[str, float], int]:
    """The scikit-learn pipeline: TfidfVectorizer over all text, brute-force cosine neighbours, then the same
    organisation bonus and allocation as the engine (scikit-learn has no explanations)."""
    import sklearn
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.neighbors import NearestNeighbors

    from matching.suggestions.allocation import allocate, with_reverse_candidates
    from matching.suggestions.evaluation import member_text
    from matching.suggestions.similarity import TopK

    phases: dict[str, float] = {}
    last = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        phases[name] = now - last
        last = now

    eligible = sorted(eligible, key=lambda member: member.member_id)
    matrix = TfidfVectorizer().fit_transform([member_text(member) for member in eligible])
    organisations = np.array([-1 if m.organisation_id is None else m.organisation_id for m in eligible])
    lap("profiles")
    width = rules.candidates_per_member
    with sklearn.config_context(working_memory=256):
        model = NearestNeighbors(n_neighbors=min(width + 1, len(eligible)), metric="cosine", algorithm="brute")
        distances, neighbours = model.fit(matrix).kneighbors(matrix)
    lap("top_k")
    n = len(eligible)
    similarity = 1.0 - distances
    rows = np.arange(n)[:, None]
    valid = (neighbours != rows) & (similarity > 0) & (similarity >= rules.min_score)
    differs = (organisations[rows] < 0) | (organisations[neighbours] != organisations[rows])
    scores = np.where(valid, similarity + rules.other_org_bonus * differs, -np.inf)
    order = np.argsort(-scores, axis=1, kind="stable")[:, :width]
    indices = np.where(np.take_along_axis(valid, order, 1), np.take_along_axis(neighbours, order, 1), -1)
    top = TopK(
        indices.astype(np.int32),
        np.where(indices >= 0, np.take_along_axis(scores, order, 1), 0.0),
        np.where(indices >= 0, np.take_along_axis(similarity, order, 1), 0.0),
    )
    bonuses = np.full(n, rules.other_org_bonus)
    candidates = with_reverse_candidates(top, organisations, bonuses)
    allocation = allocate(candidates, rules.suggestions_per_member, rules.hub_cap, rules.exploration, seed)
    lap("allocation")
    return phases, int(allocation.receivers.size)


def run_step(method: str, size: int, seed: int, organisations: int) -> dict:
    completed = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            method,
            "--size",
            str(size),
            "--seed",
            str(seed),
            "--organisations",
            str(organisations),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def whole_step(sizes: list[int], seed: int, organisations: int, skip_sklearn_above: int) -> None:
    """Print the whole matching step (profiles, top-k, allocation, explanations) beside scikit-learn."""
    print(
        "\nwhole matching step from member inputs to explained suggestions (default rules: 30 candidates, k=3); "
        f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'members':>8} {'method':<13} {'seconds':>8} {'CPU s':>7} {'load':>5} {'peak MB':>8} {'inputs MB':>10} "
        f"{'ratio':>7}  phases (s)"
    )
    for size in sizes:
        figures = {"step_ours": run_step("step_ours", size, seed, organisations)}
        if size <= skip_sklearn_above:
            figures["step_sklearn"] = run_step("step_sklearn", size, seed, organisations)
        ours = figures["step_ours"]["seconds"]
        for method, figure in figures.items():
            walls = {name: value for name, value in figure["phases"].items() if not name.endswith("_cpu")}
            phases = ", ".join(
                f"{name} {value:.2f}"
                + (f" ({figure['phases'][name + '_cpu']:.2f} CPU)" if name + "_cpu" in figure["phases"] else "")
                for name, value in walls.items()
            )
            ratio = figure["seconds"] / ours
            print(
                f"{size:>8} {method:<13} {figure['seconds']:>8.2f} {figure['cpu_seconds']:>7.1f} "
                f"{figure['load']:>5.1f} "
                f"{figure['peak_mb']:>8.0f} {figure['inputs_mb']:>10.0f} {ratio:>6.1f}x  {phases}"
            )
        if size > skip_sklearn_above:
            print(f"{size:>8} (scikit-learn skipped above {skip_sklearn_above}; use --skip-sklearn-step-above)")
    print(
        "peak MB = highest resident memory of the process during the step, inputs included (VmHWM reset before "
        "the step); inputs MB = resident memory after generating the network; ratio = seconds / ours; "
        "scikit-learn: TfidfVectorizer + NearestNeighbors(brute, cosine) + the same bonus and allocation, "
        "without explanations"
    )


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
    parser.add_argument("--step-sizes", default="10000,100000", help="Sizes for the whole step; empty to skip.")
    parser.add_argument("--skip-sklearn-step-above", type=int, default=100000)
    parser.add_argument("--kernel", action=argparse.BooleanOptionalAction, default=True, help="Run the kernel part.")
    parser.add_argument("--child")
    parser.add_argument("--data")
    parser.add_argument("--out")
    parser.add_argument("--size", type=int)
    args = parser.parse_args()
    if args.child in ("step_ours", "step_sklearn"):
        step_child(args.child, args.size, args.seed, args.organisations)
        return
    if args.child:
        child(args.child, args.data, args.k, args.out)
        return
    step_sizes = [int(s) for s in args.step_sizes.split(",") if s]
    if not args.kernel:
        whole_step(step_sizes, args.seed, args.organisations, args.skip_sklearn_step_above)
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
    if step_sizes:
        whole_step(step_sizes, args.seed, args.organisations, args.skip_sklearn_step_above)


if __name__ == "__main__":
    main()
