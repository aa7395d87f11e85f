#pragma once
// Where a worker records the latencies it samples during a repetition: a dense array of
// HdrHistogram-style buckets (the layout of workloads/model/histogram.hpp), one per worker.
//
// Why dense, fixed size and trivially copyable: a recorder lives in its worker's slot of the
// run's shared mapping, written only by that worker (nothing shared in the hot path), and read
// by the supervisor after the run, across fork() as well as across threads. A zeroed block of
// memory is an empty recorder, and a page of it is touched only where values land. Recording is
// an index computation and an increment, with no allocation. When the repetition ends, the
// recorders are folded into one sparse Histogram (add_to), which is what the result keeps.
#include <algorithm>
#include <array>
#include <cstdint>

#include "workloads/model/histogram.hpp"

namespace contend {

class LatencyRecorder {
 public:
  void record(std::uint64_t value_ns) {
    const std::uint64_t exact = value_ns;
    if (value_ns > Histogram::kHighestValue) {
      value_ns = Histogram::kHighestValue;
      ++overflow_;
    }
    ++counts_[Histogram::index_for(value_ns)];
    if (total_ == 0 || exact < min_) min_ = exact;
    if (exact > max_) max_ = exact;
    ++total_;
  }

  std::uint64_t total_count() const { return total_; }

  // Adds everything recorded to `into`.
  void add_to(Histogram& into) const { into.merge_dense(counts_.data(), total_, overflow_, min_, max_); }

 private:
  std::array<std::uint64_t, Histogram::kCountsLength> counts_{};
  std::uint64_t total_ = 0;
  std::uint64_t overflow_ = 0;
  std::uint64_t min_ = 0;  // meaningful only when total_ > 0
  std::uint64_t max_ = 0;
};

}  // namespace contend
