#pragma once
// What the clock and the busy-work loop were measured to be at the start of a run: data every
// result carries (Environment), so a reader knows what a latency figure could resolve and what
// "100 ns of work" meant. Measuring them is the engine's job (workloads/clock.hpp,
// workloads/busy_work.hpp); this header is only the record.
#include <string>

namespace contend {

enum class ClockSource { tsc, steady_clock };

inline std::string to_string(ClockSource source) { return source == ClockSource::tsc ? "tsc" : "steady_clock"; }

struct ClockCalibration {
  ClockSource source = ClockSource::steady_clock;
  double ns_per_tick = 1.0;     // 1.0 for steady_clock, whose ticks are nanoseconds
  double tsc_ghz = 0.0;         // 0 when the TSC is not used
  double cost_ns = 0.0;         // median cost of one read
  double resolution_ns = 0.0;   // smallest nonzero step seen between consecutive reads

  bool operator==(const ClockCalibration&) const = default;
};

struct WorkCalibration {
  double iterations_per_ns = 1.0;  // of the busy loop (workloads/busy_work.hpp)

  bool operator==(const WorkCalibration&) const = default;
};

}  // namespace contend
