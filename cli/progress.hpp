#pragma once
// What a long run shows while it goes, as hyperfine does: before it starts, how long it should
// take (the plan knows its repetitions, warmups and durations); while it runs, on a terminal, a
// bar with the repetitions done, the time elapsed and the time left, rewritten in place on stderr.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "workloads/executor.hpp"
#include "workloads/model/spec.hpp"

namespace contend::cli {

// Each repetition's own cost beyond its warmup and duration: forking its child, mapping its
// arena, starting its workers and collecting them. Measured on the 2-core VM: suites/quick.toml
// ran its 470 repetitions of 50 ms + 20 ms in 47 s, about 30 ms each beyond the 70 ms asked.
inline constexpr std::chrono::milliseconds kRepetitionOverhead{30};

struct PlanEstimate {
  std::chrono::nanoseconds time{0};  // of the repetitions bounded by time
  int repetitions = 0;
  int bounded_by_operations = 0;     // repetitions bounded by --ops: their time is not known ahead
};

// `copies`: how many times each configuration runs (ab runs both variants: 2).
PlanEstimate estimate(const std::vector<RunSpec>& configs, int copies = 1);

// "about 2 min 40 s for 240 repetitions" (with "at least" and the --ops ones when some are
// bounded by operations); empty when it would be under `quiet_below`, not worth saying.
std::string estimate_line(const PlanEstimate& e, std::chrono::seconds quiet_below = std::chrono::seconds(10));

// "1 h 02 min", "2 min 40 s", "12 s".
std::string duration_text(std::chrono::nanoseconds d);

// The progress bar, on stderr when it is a terminal; an empty callback (silence) otherwise.
// "[######----------]  120/480  1 min 02 s elapsed, about 3 min 06 s left  LABEL configuration (rep 2/5)"
ProgressCallback progress_printer(std::string_view label = "");

}  // namespace contend::cli
