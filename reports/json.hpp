#pragma once
// JSON results: Google Benchmark's schema (`context` + `benchmarks`), so compare.py,
// github-action-benchmark (`googlecpp`) and Bencher's `cpp_google` adapter read it, plus a
// `contend` section holding everything measured (environment, specs, per-worker results, each
// repetition's latency figures, each configuration's merged sparse latency histogram), from
// which `results_from_json` rebuilds the Results exactly. Written by json_writer.cpp, read by
// json_reader.cpp.
//
// Format versions:
//   1  every repetition kept its whole latency histogram ("latency_histogram", and
//      "write_latency_histogram" for rw), and every spec had every knob.
//   2  a repetition keeps its figures ("latency_ns": samples, min, max, overflow, p50 ...
//      p99.99; "write_latency_ns" for rw); its configuration keeps the buckets merged:
//      "latency_histogram" over the repetitions that ended ok, "violation_latency_histogram"
//      over those that ended in a violation (when any), and the same two for rw writes. A spec
//      has the knobs its workload takes (the workload table's json keys). Memory and file size
//      no longer grow with the repetitions' histograms.
// This build writes version 2 and reads both.
//
// Strict JSON: a figure that does not exist is `null`, never NaN or Infinity.
#include <ostream>
#include <string>
#include <string_view>

#include "workloads/model/result.hpp"

namespace contend {

inline constexpr int kJsonFormatVersion = 2;
inline constexpr int kOldestJsonFormatVersion = 1;

// Pretty-printed (indent 2) with a trailing newline, one configuration at a time, so a long
// plan's file never has to be in memory as one JSON tree.
void write_json(std::ostream& out, const Results& results);
std::string to_json(const Results& results);

// Throws std::runtime_error naming what is wrong when `text` is not a contend results file of
// a format version this build reads. to_json(results_from_json(to_json(r))) == to_json(r).
Results results_from_json(std::string_view text);

}  // namespace contend
