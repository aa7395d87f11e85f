#pragma once
// JSON results: Google Benchmark's schema (`context` + `benchmarks`), so compare.py,
// github-action-benchmark (`googlecpp`) and Bencher's `cpp_google` adapter read it, plus a
// `contend` section holding everything measured (environment, specs, per-worker results, sparse
// latency histograms), from which `results_from_json` rebuilds the Results exactly.
//
// Strict JSON: a figure that does not exist is `null`, never NaN or Infinity.
#include <string>
#include <string_view>

#include "workloads/model/result.hpp"

namespace contend {

inline constexpr int kJsonFormatVersion = 1;

// Pretty-printed (indent 2) with a trailing newline.
std::string to_json(const Results& results);

// Throws std::runtime_error naming what is wrong when `text` is not a contend results file of
// a format version this build reads. to_json(results_from_json(to_json(r))) == to_json(r).
Results results_from_json(std::string_view text);

}  // namespace contend
