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
// Then the worker is single-stepped for its next 4 instructions: the handler sets the trap flag
// in the interrupted context, so each of them ends in a debug trap (SIGTRAP, TRAP_TRACE) whose
// handler counts it and clears the flag after the fourth. Each trap holds the worker a few
// microseconds (about 15 µs in a KVM guest, measured here). Why: the timer lands in proportion
// to CPU time, and a window of one instruction — a consumer that frees a cell, then reads the
// item out of it — takes almost none of it; interruptions pile up on the slow instructions
// instead, the contended compare-and-swap or load a few instructions before such a window.
// Measured with broken-queue-early-free (4+4 at capacity 2, --perturb, 1 s): caught in 1 of 10
// runs with the timer alone; in 14 of 20 when stepping 2 instructions, 20 of 20 stepping 4 (3 to
// 29 times a run, also beside two CPU hogs). Stepping costs --perturb 1.2 to 4 times its
// throughput (scripts/bench/MEASURED.md). x86-64 only, and not under ThreadSanitizer (a trap is
// a synchronous signal, which its runtime would deliver inside its own code); elsewhere the
// timer's spin alone. A SIGTRAP that is not one of these steps (a breakpoint instruction in a
// primitive, kill -TRAP) gets its default action: the process ends, as without --perturb.
//
// The timer is the thread's task-clock as a software perf event (perf_event_open,
// PERF_COUNT_SW_TASK_CLOCK, signalled to the thread at each overflow: F_SETOWN_EX), an hrtimer
// that keeps the interval asked for. A POSIX CPU-time timer (CLOCK_THREAD_CPUTIME_ID) would be
// simpler, but the kernel checks those only at its scheduler tick: measured here, one asked for
// every 50 µs fired 250 times a second (HZ=250), not 20,000 — a hundredth of the interruptions,
// too few to land in a window of two instructions. It remains the fallback where the kernel
// refuses perf events (perf_event_paranoid 3, a seccomp filter).
// The timer and its spins alone cost a few percent of a worker's time; the stepping is the
// larger cost (above).
//
// The signal is installed with SA_RESTART, so the blocking calls the primitives make — futex
// waits, sem_wait, read and write on pipes — are resumed, not failed, by it (signal(7)).
#include <time.h>

#include <cstdint>

#include "workloads/model/calibration.hpp"

namespace contend {

// True where the handler single-steps the instructions after a landing (x86-64, not under
// ThreadSanitizer); elsewhere --perturb's timer only spins where it lands.
bool preemption_steps_instructions();

// What the calling thread's timer has done since it was last armed: the landings (handler runs)
// and the instructions stepped after them. Each landing steps 1 to 4 (fewer when the next
// landing comes within the 4, which starts the count again); 0 where stepping is not available.
struct PreemptionCounts {
  std::uint64_t landings = 0;
  std::uint64_t stepped_instructions = 0;
};
PreemptionCounts preemption_counts();

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
