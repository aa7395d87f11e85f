#pragma once
// Simulated work in nanoseconds: a calibrated busy loop, as folly's and abseil's lock
// benchmarks use for work inside and outside the critical section.
//
// The loop is a chain of dependent additions the compiler may not remove; its rate in
// iterations per ns is measured once at start (median of several trials) and carried in every
// result, so a reader can see what "100 ns of work" meant on that machine.
#include <cstdint>

#include "workloads/model/calibration.hpp"

namespace contend {

WorkCalibration calibrate_busy_work();

inline std::uint64_t work_iterations(const WorkCalibration& c, std::uint64_t ns) {
  return static_cast<std::uint64_t>(static_cast<double>(ns) * c.iterations_per_ns + 0.5);
}

inline void busy_iterations(std::uint64_t iterations) {
  std::uint64_t x = 0;
  for (std::uint64_t i = 0; i < iterations; ++i) {
    x += i;
    asm volatile("" : "+r"(x));  // keep every iteration: the optimizer cannot see through it
  }
}

}  // namespace contend
