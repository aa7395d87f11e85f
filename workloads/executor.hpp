#pragma once
// Runs plans: every schedule contend has lives here, and every repetition of every schedule
// runs in its own child process (run_repetition, workloads/engine.hpp).
//
// Schedules:
// - execute_plan(): interleaved rounds — round 1 of every configuration, then round 2 — so that
//   a slow drift of the machine (a noisy neighbour arriving, thermal state) spreads over all
//   configurations instead of biasing whichever ran last. `contend run`, `suite` and `stress`
//   (whose plans have one repetition each by default) use it.
// - execute_ab(): two variants of each configuration, one repetition at a time, in ABBA order
//   (A B, then B A, alternating per configuration and per round), so that a drift within a round
//   falls on both variants equally. `contend ab` uses it.
// A configuration that timed out, hung or crashed is not repeated: the verdict is in, and each
// further try would cost a full timeout. SIGINT or SIGTERM stops a schedule between repetitions
// (Results::complete = false); what ran is kept.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "workloads/interrupts.hpp"
#include "workloads/model/result.hpp"
#include "workloads/model/spec.hpp"
#include "workloads/registry.hpp"
#include "workloads/repetition.hpp"

namespace contend {

struct Progress {
  int done = 0;   // repetitions finished so far
  int total = 0;  // repetitions planned
  const RunSpec* spec = nullptr;  // null: the schedule is over
  int repetition = 0;
};

using ProgressCallback = std::function<void(const Progress&)>;

// Runs `plan` in interleaved rounds. Primitives must already be resolved: every spec names a
// registry entry.
Results execute_plan(const RunPlan& plan, const Registry& registry, const Calibrations& calibrations,
                     const ProgressCallback& progress);

// One configuration of an A/B plan: the two variants' specs (`contend ab` leaves out, with a
// note, a configuration only one variant can run).
struct AbPair {
  RunSpec a;
  RunSpec b;
};

struct AbResults {
  Results a;  // the configurations both variants ran, in pair order, each with its repetitions
  Results b;
};

// Runs `repetitions` rounds over the pairs, ABBA, each repetition alone; A's specs resolve in
// `registry_a`, B's in `registry_b`. A pair stops when either side's repetition was not measured.
AbResults execute_ab(const std::vector<AbPair>& pairs, int repetitions, const Registry& registry_a,
                     const Registry& registry_b, const Calibrations& calibrations, const std::string& command_line,
                     const ProgressCallback& progress);

// Measures the clock and the busy-work rate (about 0.1 s).
Calibrations calibrate();

}  // namespace contend
