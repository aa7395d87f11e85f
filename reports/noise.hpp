#pragma once
// When a figure should not be taken as it stands: a configuration whose repetitions disagree
// wildly, vary much, or hold outliers, and a machine that was busy while it was measured. Each
// finding is one sentence that the table and Markdown print as a note and JSON carries
// (a configuration's "noise", the results' "warnings"), so noise is reported as a finding
// rather than hidden inside a median.
//
// The bars, all on throughput over the measured repetitions:
//   disagree   the fastest repetition is at least twice the slowest (a median of such figures
//              describes none of them)
//   noisy      coefficient of variation above 10%
//   outliers   modified z-score |0.6745 (x - median) / MAD| above 14.826, hyperfine's bar (with
//              MAD 0, any repetition off the median), and at least 5% from the median: repetitions
//              this machine gives within 1% of each other make MAD so small that a 2% stray would
//              otherwise count, and 5% is the smallest change the gate looks for by default
//   busy       the 1-minute load average at the start above half the online CPUs, or, at the
//              end, more runnable tasks besides contend than half of them (the end's load average
//              includes this run's own workers, so it is shown but not judged)
#include <cstddef>
#include <string>
#include <vector>

#include "workloads/model/result.hpp"

namespace contend {

inline constexpr double kDisagreeRatio = 2.0;
inline constexpr double kNoisyCv = 0.10;
inline constexpr double kOutlierScore = 14.826;
inline constexpr double kOutlierMinDeviation = 0.05;

struct NoiseFindings {
  std::size_t repetitions = 0;  // measured, with a throughput
  double cv = 0;                // throughput's coefficient of variation (0 below 2 repetitions)
  double spread = 1;            // fastest / slowest repetition (1 below 2 repetitions)
  std::size_t outliers = 0;
  std::vector<std::string> warnings;  // without the configuration's name
};

NoiseFindings noise_of(const ConfigResult& config);

// The machine's load at the start and end of the run, as warnings (empty: it looked idle).
std::vector<std::string> machine_load_warnings(const Environment& env);

}  // namespace contend
