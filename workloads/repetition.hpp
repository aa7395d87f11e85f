#pragma once
// One repetition as the supervisor sees it: what it needs (the calibrations, a body that runs in
// the repetition's child), what it gives back, and the call that runs it under the watchdog. The
// worker protocol the bodies use is engine.hpp's; this header is what the registry, the executor
// and the subcommands need without it.
#include <cstddef>
#include <functional>

#include "workloads/model/calibration.hpp"
#include "workloads/model/histogram.hpp"
#include "workloads/model/result.hpp"
#include "workloads/model/spec.hpp"

namespace contend {

struct Calibrations {
  ClockCalibration clock;
  WorkCalibration work;
};

// What a repetition's child runs with (engine.hpp).
struct RepetitionContext;

// The body of a repetition's child for one (workload, primitive) pair.
using RepetitionBody = std::function<void(RepetitionContext&)>;

// What one repetition gave: its figures, and its latency histograms (every worker's recorder
// folded together), which the configuration merges and does not keep per repetition.
struct RepetitionOutcome {
  Repetition repetition;
  Histogram latency;
  Histogram write_latency;
  Histogram overtakes;  // what repetition.overtakes summarizes; stress's bounded-waiting check reads it
};

// The supervisor's side: runs one repetition in a child process under the watchdog.
// `workload_bytes` is what the body will allocate from the arena beyond the engine's own.
// `provides_exclusion`: lost updates are a violation (true) or the expected result (false).
RepetitionOutcome run_repetition(const RunSpec& spec, int index, std::size_t workload_bytes,
                                 const RepetitionBody& body, bool provides_exclusion,
                                 const Calibrations& calibrations);

}  // namespace contend
