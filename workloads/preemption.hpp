#pragma once
// `--perturb`'s preemption inside primitive calls: a per-worker timer signal that interrupts the
// worker wherever it is — between two instructions of a try_pop, halfway through an unlock — and
// whose handler spins a few microseconds, so that a race window of a few instructions inside one
// call is held open for other workers to walk into. The between-call delays of
// stress_common.hpp's Perturber cannot reach inside a call.
//
// Each worker thread (or process) arms its own timer on its own CPU-time clock
// (CLOCK_THREAD_CPUTIME_ID, delivered to that thread: SIGEV_THREAD_ID), so it fires only while
// the worker runs: every 20 to 200 µs of its CPU time, the handler spins 0.5 to 5 µs; both drawn
// from a per-worker seeded generator, so a run's schedule of interruptions follows its --seed
// (the kernel's timing around them does not). The handler re-arms the timer with the next
// interval. It costs a few percent of a worker's time (scripts/bench/MEASURED.md).
//
// The signal is installed with SA_RESTART, so the blocking calls the primitives make — futex
// waits, sem_wait, read and write on pipes — are resumed, not failed, by it (signal(7)).
#include <time.h>

#include <cstdint>

#include "workloads/model/calibration.hpp"

namespace contend {

class PreemptionTimer {
 public:
  // Arms the calling thread's timer when `on`; does nothing otherwise.
  PreemptionTimer(bool on, std::uint64_t seed, const WorkCalibration& work);
  ~PreemptionTimer();  // disarms it
  PreemptionTimer(const PreemptionTimer&) = delete;
  PreemptionTimer& operator=(const PreemptionTimer&) = delete;

 private:
  bool armed_ = false;
  timer_t timer_{};
};

}  // namespace contend
