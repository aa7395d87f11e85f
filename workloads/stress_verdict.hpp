#pragma once
// What `contend stress` concludes about a repetition beyond its workload's own checks: the
// progress watchdog (no worker progressed for --stall: a hang, with each worker's last state)
// and the checks made from the merged tallies after the run (starvation among them).
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/model/result.hpp"
#include "workloads/model/spec.hpp"
#include "workloads/run_control.hpp"

namespace contend {

// "2 s", "0.5 s": a duration in a verdict's words.
std::string seconds_text(std::int64_t ns);

// The stress progress watchdog: watches every worker's progress counter, phase and activity
// (each on the worker's own line) and says when none of them changed for spec.stall_ns while
// some worker is not done — or when one worker's did not while the others' did: a worker
// stuck from its first operation is a verdict as soon as it has been stuck that long, not after
// the run. The supervisor polls it; it reads the workers' slots only.
class StallWatch {
 public:
  StallWatch(const RunSpec& spec, const WorkerSlot* slots, std::int64_t now);

  bool stalled(std::int64_t now);
  // Who stalled (everyone, or the one worker), then each worker's phase, where it was, and how
  // many operations it had finished.
  std::string report() const;
  int stalled_worker() const { return stalled_worker_; }  // -1: every worker stopped

 private:
  const RunSpec& spec_;
  const WorkerSlot* slots_;
  std::uint64_t last_snapshot_ = 0;
  std::int64_t last_change_ns_;
  std::vector<std::uint64_t> worker_snapshot_;
  std::vector<std::int64_t> worker_change_ns_;
  int stalled_worker_ = -1;
};

// The checks a stress repetition ran, from the merged tallies in the control block, plus
// progress, starvation and bounded waiting (from the repetition's latency histogram and its
// overtakes), appended to `rep.checks`.
void collect_checks(Repetition& rep, const RunControl& ctl, const RunSpec& spec, const Histogram& latency,
                    const Histogram& overtakes);

// A repetition the watchdog ended (hang, timeout, lost wake-up) or that crashed: the checks that
// had already failed by then, from the workers' own tallies (their first occurrence included),
// so the verdict keeps its evidence. Empty when none had failed or the workload keeps none.
std::vector<CheckResult> checks_failed_before_end(const RunControl& ctl, int workers);

}  // namespace contend
