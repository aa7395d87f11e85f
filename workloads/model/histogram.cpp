#include "workloads/model/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace contend {
namespace {

// Which power-of-two bucket holds `value`: the position of its highest bit above the
// sub-bucket range (HdrHistogram's getBucketIndex with a unit magnitude of 0).
int bucket_index(std::uint64_t value) {
  const int pow2_ceiling = 64 - std::countl_zero(value | Histogram::kSubBucketMask);
  return pow2_ceiling - (Histogram::kSubBucketHalfCountMagnitude + 1);
}

std::uint64_t sub_bucket_index(std::uint64_t value, int bucket) {
  return value >> bucket;
}

std::size_t counts_index(int bucket, std::uint64_t sub_bucket) {
  const std::size_t bucket_base = static_cast<std::size_t>(bucket + 1)
                                  << Histogram::kSubBucketHalfCountMagnitude;
  return bucket_base + sub_bucket - Histogram::kSubBucketHalfCount;
}

}  // namespace

std::size_t Histogram::index_for(std::uint64_t value) {
  const int bucket = bucket_index(value);
  return counts_index(bucket, sub_bucket_index(value, bucket));
}

std::uint64_t Histogram::value_from_index(std::size_t index) {
  int bucket = static_cast<int>(index >> kSubBucketHalfCountMagnitude) - 1;
  std::uint64_t sub_bucket = (index & (kSubBucketHalfCount - 1)) + kSubBucketHalfCount;
  if (bucket < 0) {
    sub_bucket -= kSubBucketHalfCount;
    bucket = 0;
  }
  return sub_bucket << bucket;
}

std::uint64_t Histogram::size_of_equivalent_range(std::uint64_t value) {
  const int bucket = bucket_index(value);
  const std::uint64_t sub_bucket = sub_bucket_index(value, bucket);
  const int adjusted_bucket = sub_bucket >= kSubBucketCount ? bucket + 1 : bucket;
  return std::uint64_t{1} << adjusted_bucket;
}

std::uint64_t Histogram::lowest_equivalent(std::uint64_t value) {
  const int bucket = bucket_index(value);
  return sub_bucket_index(value, bucket) << bucket;
}

std::uint64_t Histogram::highest_equivalent(std::uint64_t value) {
  return lowest_equivalent(value) + size_of_equivalent_range(value) - 1;
}

void Histogram::add(std::size_t index, std::uint64_t count) {
  const auto i = static_cast<std::uint32_t>(index);
  auto at = std::lower_bound(cells_.begin(), cells_.end(), i, [](const Cell& c, std::uint32_t v) { return c.index < v; });
  if (at != cells_.end() && at->index == i) {
    at->count += count;
  } else {
    cells_.insert(at, Cell{i, count});
  }
}

std::uint64_t Histogram::count_at_index(std::size_t index) const {
  const auto i = static_cast<std::uint32_t>(index);
  const auto at =
      std::lower_bound(cells_.begin(), cells_.end(), i, [](const Cell& c, std::uint32_t v) { return c.index < v; });
  return at != cells_.end() && at->index == i ? at->count : 0;
}

void Histogram::record_n(std::uint64_t value_ns, std::uint64_t count) {
  if (count == 0) return;
  const std::uint64_t exact = value_ns;
  if (value_ns > kHighestValue) {
    value_ns = kHighestValue;
    overflow_ += count;
  }
  add(index_for(value_ns), count);
  if (total_ == 0 || exact < min_) min_ = exact;
  if (exact > max_) max_ = exact;
  total_ += count;
}

void Histogram::merge(const Histogram& other) {
  if (other.total_ == 0) return;
  // Both are ordered by index: one pass, as a merge of two sorted lists.
  std::vector<Cell> merged;
  merged.reserve(cells_.size() + other.cells_.size());
  auto a = cells_.begin();
  auto b = other.cells_.begin();
  while (a != cells_.end() || b != other.cells_.end()) {
    if (b == other.cells_.end() || (a != cells_.end() && a->index < b->index)) {
      merged.push_back(*a++);
    } else if (a == cells_.end() || b->index < a->index) {
      merged.push_back(*b++);
    } else {
      merged.push_back(Cell{a->index, a->count + b->count});
      ++a;
      ++b;
    }
  }
  cells_ = std::move(merged);
  if (total_ == 0 || other.min_ < min_) min_ = other.min_;
  max_ = std::max(max_, other.max_);
  total_ += other.total_;
  overflow_ += other.overflow_;
}

void Histogram::merge_dense(const std::uint64_t* counts, std::uint64_t total, std::uint64_t overflow,
                            std::uint64_t min, std::uint64_t max) {
  if (total == 0) return;
  Histogram other;
  for (std::size_t i = 0; i < kCountsLength; ++i) {
    if (counts[i] != 0) other.cells_.push_back(Cell{static_cast<std::uint32_t>(i), counts[i]});
  }
  other.total_ = total;
  other.overflow_ = overflow;
  other.min_ = min;
  other.max_ = max;
  merge(other);
}

void Histogram::clear() { *this = Histogram{}; }

double Histogram::mean() const {
  if (total_ == 0) return 0.0;
  // Each bucket is represented by its midpoint, as HdrHistogram's getMean does.
  long double sum = 0;
  for (const Cell& c : cells_) {
    const std::uint64_t low = value_from_index(c.index);
    const long double mid = low + (size_of_equivalent_range(low) - 1) / 2.0L;
    sum += mid * c.count;
  }
  return static_cast<double>(sum / total_);
}

double Histogram::stddev() const {
  if (total_ == 0) return 0.0;
  const long double m = mean();
  long double sq = 0;
  for (const Cell& c : cells_) {
    const std::uint64_t low = value_from_index(c.index);
    const long double mid = low + (size_of_equivalent_range(low) - 1) / 2.0L;
    sq += (mid - m) * (mid - m) * c.count;
  }
  return static_cast<double>(std::sqrt(sq / total_));
}

std::uint64_t Histogram::value_at_percentile(double percentile) const {
  if (total_ == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  // The rank of the wanted value, at least 1, as in HdrHistogram.
  // One ulp below the percentile, as HdrHistogram does, so that 99.9% of 1000 is rank 999 and
  // not ceil(999.0000000000001) = 1000.
  const double just_below = std::nextafter(percentile, -1.0);
  auto wanted = static_cast<std::uint64_t>(std::ceil(just_below / 100.0 * static_cast<double>(total_)));
  wanted = std::max<std::uint64_t>(wanted, 1);
  // The top of the distribution is known exactly: answer it with max() rather than a bucket
  // bound, which for values clamped into the overflow bucket would understate it.
  if (wanted >= total_) return max_;
  const std::size_t overflow_index = index_for(kHighestValue);
  std::uint64_t seen = 0;
  for (const Cell& c : cells_) {
    seen += c.count;
    if (seen >= wanted) {
      if (c.index == overflow_index && overflow_ > 0) return max_;
      return std::min(highest_equivalent(value_from_index(c.index)), max_);
    }
  }
  return max_;
}

std::vector<Histogram::Bucket> Histogram::nonzero_buckets() const {
  std::vector<Bucket> out;
  out.reserve(cells_.size());
  for (const Cell& c : cells_) out.push_back({value_from_index(c.index), c.count});
  return out;
}

Histogram Histogram::from_buckets(const std::vector<Bucket>& buckets, std::uint64_t min,
                                  std::uint64_t max, std::uint64_t overflow) {
  Histogram h;
  for (const Bucket& b : buckets) {
    if (b.count == 0) continue;
    h.add(index_for(std::min(b.value, kHighestValue)), b.count);
    h.total_ += b.count;
  }
  h.min_ = h.total_ == 0 ? 0 : min;
  h.max_ = max;
  h.overflow_ = overflow;
  return h;
}

}  // namespace contend
