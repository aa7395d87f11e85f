#pragma once
// What `contend stress` concludes about a repetition beyond its workload's own checks: the
// progress watchdog (no worker progressed for --stall: a hang, with each worker's last state)
// and the checks made from the merged tallies after the run (starvation among them).
#include <cstdint>
#include <string>

#include "workloads/model/result.hpp"
#include "workloads/model/spec.hpp"
#include "workloads/run_control.hpp"

namespace contend {

// "2 s", "0.5 s": a duration in a verdict's words.
std::string seconds_text(std::int64_t ns);

// The stress progress watchdog: watches every worker's progress counter, phase and activity
// (each on the worker's own line) and says when none of them changed for spec.stall_ns while
// some worker is not done. The supervisor polls it; it reads the workers' slots only.
class StallWatch {
 public:
  StallWatch(const RunSpec& spec, const WorkerSlot* slots, std::int64_t now)
      : spec_(spec), slots_(slots), last_change_ns_(now) {}

  bool stalled(std::int64_t now);
  // Each worker's phase, where it was, and how many operations it had finished.
  std::string report() const;

 private:
  const RunSpec& spec_;
  const WorkerSlot* slots_;
  std::uint64_t last_snapshot_ = 0;
  std::int64_t last_change_ns_;
};

// The checks a stress repetition ran, from the merged tallies in the control block, plus
// progress and starvation, appended to `rep.checks`.
void collect_checks(Repetition& rep, const RunControl& ctl);

}  // namespace contend
