#pragma once
// The clock used for per-operation latency.
//
// An invariant TSC (CPUID 0x80000007 EDX bit 8) ticks at a constant rate on every core, so one
// `rdtsc` (≈ 11 ns here, ≈ 3x cheaper than steady_clock::now()) timestamps an operation. Its
// rate is calibrated against steady_clock, never read from the CPU's model name. Without an
// invariant TSC — or when CONTEND_CLOCK=steady is set — steady_clock is used instead. The
// clock's own cost per read and its resolution are measured at start and written into every
// result, so a reader knows what a latency figure can and cannot resolve.
#include <chrono>
#include <cstdint>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include "workloads/model/calibration.hpp"

namespace contend {

bool cpu_has_invariant_tsc();

// Calibrates once (about 60 ms). Thread-safe after the first call returns; the supervisor
// calls it before forking, so children inherit the figures.
const ClockCalibration& calibrate_clock();

// A clock value in raw ticks: TSC cycles, or steady_clock nanoseconds. The branch on the
// source is the same every time and costs nothing next to the read.
class LatencyClock {
 public:
  explicit LatencyClock(const ClockCalibration& c)
      : use_tsc_(c.source == ClockSource::tsc), ns_per_tick_(c.ns_per_tick) {}

  std::uint64_t now() const {
#if defined(__x86_64__) || defined(__i386__)
    if (use_tsc_) {
      // lfence on both sides keeps rdtsc from being reordered with the measured operation.
      _mm_lfence();
      const std::uint64_t t = __rdtsc();
      _mm_lfence();
      return t;
    }
#endif
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::steady_clock::now().time_since_epoch())
            .count());
  }

  // The same clock without the fences: about half the cost, for reads that only need to land in
  // the right few milliseconds (stress's check windows), not to bracket an operation.
  std::uint64_t now_unfenced() const {
#if defined(__x86_64__) || defined(__i386__)
    if (use_tsc_) return __rdtsc();
#endif
    return now();
  }

  std::uint64_t to_ns(std::uint64_t ticks) const {
    return static_cast<std::uint64_t>(static_cast<double>(ticks) * ns_per_tick_ + 0.5);
  }
  double ticks_per_ns() const { return 1.0 / ns_per_tick_; }

 private:
  bool use_tsc_;
  double ns_per_tick_;
};

// steady_clock in ns since its epoch; for run windows, which span processes and need no TSC.
inline std::int64_t monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace contend
