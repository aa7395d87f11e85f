#pragma once
// `--perturb`'s preemption inside primitive calls: a per-worker timer signal that interrupts the
// worker wherever it is — between two instructions of a try_pop, halfway through an unlock — and
// whose handler spins a few microseconds, so that a race window of a few instructions inside one
// call is held open for other workers to walk into. The between-call delays of
// stress_common.hpp's Perturber cannot reach inside a call.
//
// Each worker thread (or process) arms its own timer on its own CPU time, so it fires only while
// the worker runs (a sleeping waiter is never woken by it, which the lost wake-up watch needs):
// every 20 to 200 µs of its CPU time, the handler spins 0.5 to 5 µs; both drawn from a
// per-worker seeded generator, so a run's schedule of interruptions follows its --seed (the
// kernel's timing around them does not). The handler re-arms the timer with the next interval.
//
// The timer is the thread's task-clock as a software perf event (perf_event_open,
// PERF_COUNT_SW_TASK_CLOCK, signalled to the thread at each overflow: F_SETOWN_EX), an hrtimer
// that keeps the interval asked for. A POSIX CPU-time timer (CLOCK_THREAD_CPUTIME_ID) would be
// simpler, but the kernel checks those only at its scheduler tick: measured here, one asked for
// every 50 µs fired 250 times a second (HZ=250), not 20,000 — a hundredth of the interruptions,
// too few to land in a window of two instructions. It remains the fallback where the kernel
// refuses perf events (perf_event_paranoid 3, a seccomp filter).
// It costs a few percent of a worker's time (scripts/bench/MEASURED.md).
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
  int perf_fd_ = -1;  // the task-clock event; -1: timer_ instead
  timer_t timer_{};
};

}  // namespace contend
