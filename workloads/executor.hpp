#pragma once
// Runs a whole plan: every configuration's repetitions, each in its own child process.
//
// Repetitions are interleaved — round 1 of every configuration, then round 2 — so that a slow
// drift of the machine (a noisy neighbour arriving, thermal state) spreads over all
// configurations instead of biasing whichever ran last. A configuration that timed out or
// crashed is not repeated: the verdict is in, and each further try would cost a full timeout.
#include <functional>
#include <string>

#include "workloads/engine.hpp"
#include "workloads/registry.hpp"
#include "workloads/model/result.hpp"
#include "workloads/model/spec.hpp"

namespace contend {

struct Progress {
  int done = 0;   // repetitions finished so far
  int total = 0;  // repetitions planned
  const RunSpec* spec = nullptr;
  int repetition = 0;
};

using ProgressCallback = std::function<void(const Progress&)>;

// Runs `plan`; stops early (Results::complete = false) on SIGINT or SIGTERM. Primitives must
// already be resolved: every spec names a registry entry.
Results execute_plan(const RunPlan& plan, const Registry& registry, const Calibrations& calibrations,
                     const ProgressCallback& progress);

// Measures the clock and the busy-work rate (about 0.1 s).
Calibrations calibrate();

}  // namespace contend
