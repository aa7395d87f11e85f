#pragma once
// A log-linear latency histogram in the manner of HdrHistogram: 3 significant decimal digits,
// values from 1 ns to 100 s.
//
// Sparse: it keeps only the buckets that hold a count, in bucket order. A configuration keeps
// its repetitions' latencies merged in one of these for as long as a plan runs, and a typical
// one fills a few hundred of the 28,672 buckets; the dense array (0.23 MB) is only where a worker
// records, in the run's shared mapping (workloads/latency_recorder.hpp), and is folded into one
// of these when the repetition ends.
//
// Layout (HdrHistogram's): bucket b covers [2^b * 1024, 2^(b+1) * 1024) ns in 1024 sub-buckets
// of width 2^b (bucket 0 also covers [0, 1024) at width 1), so every recorded value is kept to
// within 1 part in 1024 — better than the 3 significant digits asked of it.
#include <cstdint>
#include <vector>

namespace contend {

class Histogram {
 public:
  static constexpr int kSignificantDigits = 3;
  static constexpr std::uint64_t kLowestValue = 1;                  // ns
  static constexpr std::uint64_t kHighestValue = 100'000'000'000;   // 100 s in ns
  static constexpr int kSubBucketHalfCountMagnitude = 10;            // 2 * 10^3 -> 2048 sub-buckets
  static constexpr std::uint64_t kSubBucketCount = 2048;
  static constexpr std::uint64_t kSubBucketHalfCount = 1024;
  static constexpr std::uint64_t kSubBucketMask = kSubBucketCount - 1;
  static constexpr int kBucketCount = 27;  // smallest count with 2048 << 26 > kHighestValue
  static constexpr std::size_t kCountsLength = (kBucketCount + 1) * kSubBucketHalfCount;

  // Records one value in ns. Values above kHighestValue are counted at kHighestValue and
  // tallied in overflow(), so nothing is silently dropped; max() stays exact.
  void record(std::uint64_t value_ns) { record_n(value_ns, 1); }
  void record_n(std::uint64_t value_ns, std::uint64_t count);
  void merge(const Histogram& other);
  void clear();
  // Adds a dense array of kCountsLength counts (a worker's recorder) with its total, overflow and
  // exact extremes.
  void merge_dense(const std::uint64_t* counts, std::uint64_t total, std::uint64_t overflow, std::uint64_t min,
                   std::uint64_t max);

  std::uint64_t total_count() const { return total_; }
  std::uint64_t overflow_count() const { return overflow_; }
  std::uint64_t min() const { return total_ == 0 ? 0 : min_; }
  std::uint64_t max() const { return max_; }
  double mean() const;
  double stddev() const;

  // The smallest recorded value v such that at least `percentile`% of values are <= v, given
  // to bucket precision as the highest value equivalent to that bucket, and never above max()
  // (HdrHistogram's getValueAtPercentile). 0 when the histogram is empty.
  std::uint64_t value_at_percentile(double percentile) const;

  // Bucket arithmetic, public so serializers and tests can walk the buckets.
  static std::size_t index_for(std::uint64_t value);
  static std::uint64_t value_from_index(std::size_t index);  // lowest value of the bucket
  static std::uint64_t lowest_equivalent(std::uint64_t value);
  static std::uint64_t highest_equivalent(std::uint64_t value);
  static std::uint64_t size_of_equivalent_range(std::uint64_t value);
  std::uint64_t count_at_index(std::size_t index) const;
  std::size_t nonzero_bucket_count() const { return cells_.size(); }

  // Sparse form for files: (lowest value of the bucket, count) for every non-empty bucket.
  struct Bucket {
    std::uint64_t value;
    std::uint64_t count;
    bool operator==(const Bucket&) const = default;
  };
  std::vector<Bucket> nonzero_buckets() const;
  // Rebuilds a histogram from its sparse form and its exact extremes (as read from a file).
  static Histogram from_buckets(const std::vector<Bucket>& buckets, std::uint64_t min,
                                std::uint64_t max, std::uint64_t overflow);

  bool operator==(const Histogram&) const = default;

 private:
  // One bucket that holds a count: its index in the dense layout, and the count.
  struct Cell {
    std::uint32_t index;
    std::uint64_t count;
    bool operator==(const Cell&) const = default;
  };
  void add(std::size_t index, std::uint64_t count);

  std::vector<Cell> cells_;  // ordered by index, no zero counts
  std::uint64_t total_ = 0;
  std::uint64_t overflow_ = 0;
  std::uint64_t min_ = 0;  // meaningful only when total_ > 0
  std::uint64_t max_ = 0;
};

}  // namespace contend
