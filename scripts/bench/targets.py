"""What the benchmark scripts share: per-round figures from contend's JSON, ratios measured side
by side (the median over rounds of the per-round ratio, with its range), the target table, and
the tables of medians behind it. Each bench-*.sh script runs contend, then imports this."""
import json
import statistics


class Results:
    """The JSON files of one benchmark run, in one directory."""

    def __init__(self, directory):
        self.directory = directory

    def load(self, path):
        with open(f"{self.directory}/{path}") as f:
            return json.load(f)

    def per_round(self, path, name_part, field):
        """{repetition_index: value} for the configuration whose name contains name_part.
        field is a benchmark entry's key, or a latency percentile such as "p50" or "p99.9"."""
        values = {}
        for b in self.load(path)["benchmarks"]:
            if b["run_type"] != "iteration" or name_part not in b["name"]:
                continue
            v = b["latency_ns"][field] if field.startswith("p") else b[field]
            if v is not None:
                values[b["repetition_index"]] = v
        return values

    def table(self, path, title, columns):
        """Prints the medians over rounds of each configuration. columns: (header, summary key,
        scale, format) tuples."""
        print(f"\n{title}\n")
        print("| configuration | " + " | ".join(c[0] for c in columns) + " | status |")
        print("|---" * (len(columns) + 2) + "|")
        for c in self.load(path)["contend"]["configurations"]:
            s = c["summary"]
            cells = []
            for _, key, scale, fmt in columns:
                v = s.get(key)
                cells.append("—" if not v else fmt.format(v["median"] * scale))
            print(f"| {c['name']} | " + " | ".join(cells) + f" | {c['status']} |")


def ratio(a, b):
    """Median over rounds of a[i] / b[i], with the smallest and largest: (median, lo, hi)."""
    rs = [a[i] / b[i] for i in sorted(set(a) & set(b)) if b[i]]
    if not rs:
        return None, None, None
    return statistics.median(rs), min(rs), max(rs)


class Targets:
    """The target table: one row per ratio, pass or FAIL; a ratio that could not be measured
    fails and says so."""

    def __init__(self, rounds):
        self.rounds = rounds
        self.rows = []
        self.failed = False

    def check(self, label, measured, target, passes):
        med, lo, hi = measured
        if med is None:
            self.rows.append(f"| {label} | not measured | | {target} | FAIL |")
            self.failed = True
            return
        ok = passes(med)
        self.rows.append(f"| {label} | {med:.3f} | {lo:.3f}..{hi:.3f} | {target} | {'pass' if ok else 'FAIL'} |")
        self.failed = self.failed or not ok

    def print(self):
        print(f"| target (median of {self.rounds} interleaved rounds) | ratio | range | target | verdict |")
        print("|---|---|---|---|---|")
        print("\n".join(self.rows))


# Columns the scripts' tables use.
THROUGHPUT = ("Mops/s", "throughput_ops_per_s", 1e-6, "{:.3g}")
NS_PER_OP = ("ns/op", "ns_per_op", 1, "{:.3g}")
P50 = ("p50", "latency_p50_ns", 1, "{:.0f} ns")
P99 = ("p99", "latency_p99_ns", 1, "{:.0f} ns")
P999 = ("p99.9", "latency_p99_9_ns", 1, "{:.0f} ns")
JAIN = ("Jain", "jain_fairness", 1, "{:.3f}")
CPU = ("CPU s/Mop", "cpu_s_per_million_ops", 1, "{:.3g}")
