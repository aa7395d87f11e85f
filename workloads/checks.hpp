#pragma once
// The property checks of `contend stress`, and the tallies they keep in shared memory.
//
// Each worker counts into its own CheckTallies (its own cache lines in the repetition's arena):
// how many operations each check looked at, how many broke it, and the first one that did. The
// repetition's child merges them into the control block after the workers are done, adds the
// checks that run after the run (lost updates, permits conserved, queue deliveries), and the
// supervisor turns them into CheckResults. Nothing shared is counted in the hot path except the
// checkers' own occupancy words, which is the point of the strong checks.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include "primitives/cache_line.hpp"
#include "workloads/model/check_names.hpp"

namespace contend {

// One check's count. `first_ns` is on the monotonic clock; first_operation is the worker's own
// operation index (warmup operations included) when it first failed.
struct CheckTally {
  std::uint64_t checked = 0;
  std::uint64_t violations = 0;
  std::uint64_t first_operation = 0;
  std::int64_t first_ns = 0;
  std::int32_t first_worker = -1;
  std::uint32_t applies = 0;  // 1 when the check ran in this repetition
  char note[128] = {};        // why a check that applies could not run (e.g. no try_acquire)
};

// A worker's tallies of every check, alone on its cache lines.
struct alignas(kCacheLineSize) CheckTallies {
  std::array<CheckTally, kCheckCount> by_check{};

  CheckTally& operator[](CheckId id) { return by_check[static_cast<std::size_t>(id)]; }
  const CheckTally& operator[](CheckId id) const { return by_check[static_cast<std::size_t>(id)]; }
};

// Adds `from` into `into`, keeping the earlier first occurrence.
inline void merge_tally(CheckTally& into, const CheckTally& from) {
  if (from.applies == 0) return;
  into.applies = 1;
  into.checked += from.checked;
  // The note goes with the first violation when it has one, so that it tells of the same worker.
  const bool earlier = from.violations > 0 && (into.violations == 0 || from.first_ns < into.first_ns);
  if (earlier) {
    into.first_operation = from.first_operation;
    into.first_ns = from.first_ns;
    into.first_worker = from.first_worker;
  }
  into.violations += from.violations;
  if (from.note[0] != '\0' && (into.note[0] == '\0' || earlier)) {
    std::copy(std::begin(from.note), std::end(from.note), into.note);
  }
}

}  // namespace contend
