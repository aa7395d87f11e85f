#pragma once
// What the supervisor, the repetition's child and its workers share for one repetition: the
// start barriers, the stop flags, the measured window and one result slot per worker. All of
// it lives in the repetition's SharedArena, so it works the same across threads and fork().
#include <atomic>
#include <climits>
#include <cstdint>

#include "primitives/cache_line.hpp"
#include "primitives/cpu_relax.hpp"
#include "primitives/futex.hpp"
#include "workloads/checks.hpp"
#include "workloads/latency_recorder.hpp"
#include "workloads/model/event_names.hpp"
#include "workloads/model/spec.hpp"

namespace contend {

// A reusable barrier for threads or processes: the last party to arrive runs `on_release` (to
// stamp the start time) and wakes the others. Waiters spin briefly, then sleep on a futex, so
// a barrier over 16 workers on 2 cores does not starve the stragglers it waits for.
class SharedBarrier {
 public:
  explicit SharedBarrier(std::uint32_t parties) : parties_(parties) {}

  template <class OnRelease>
  void arrive_and_wait(OnRelease on_release) {
    arrive_for_and_wait(1, on_release);
  }

  // Arrives for `count` parties at once (a thread that hosts that many workers: the tasks
  // workload's coroutines) and waits for the rest.
  template <class OnRelease>
  void arrive_for_and_wait(std::uint32_t count, OnRelease on_release) {
    const std::uint32_t gen = generation_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(count, std::memory_order_acq_rel) + count == parties_) {
      arrived_.store(0, std::memory_order_relaxed);
      on_release();
      // Release: what on_release wrote happens-before every waiter's return.
      generation_.store(gen + 1, std::memory_order_release);
      futex::wake(generation_, INT_MAX, Sharing::process_shared);
      return;
    }
    for (int spin = 0; spin < 2000; ++spin) {
      if (generation_.load(std::memory_order_acquire) != gen) return;
      cpu_relax();
    }
    while (generation_.load(std::memory_order_acquire) == gen) futex::wait(generation_, gen, Sharing::process_shared);
  }

  void arrive_and_wait() {
    arrive_and_wait([] {});
  }

  bool released_since(std::uint32_t gen) const {
    return generation_.load(std::memory_order_acquire) != gen;
  }
  std::uint32_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  const std::uint32_t parties_;
  std::atomic<std::uint32_t> arrived_{0};
  std::atomic<std::uint32_t> generation_{0};
};

// A flag workers poll once per operation. Alone on its cache line, so the polling loads hit a
// line that stays Shared in every core's cache until the single store that ends the phase.
struct alignas(kCacheLineSize) StopFlag {
  std::atomic<std::uint32_t> raised{0};

  bool is_raised() const { return raised.load(std::memory_order_relaxed) != 0; }
  void raise() { raised.store(1, std::memory_order_relaxed); }
};

// A window that opens and closes now and then (RunControl::long_holds): odd while open. Its
// count tells a worker whether a window touched the time between two of its readings. Written
// by the one thread that drives the phases.
struct alignas(kCacheLineSize) WindowFlag {
  std::atomic<std::uint32_t> count{0};

  std::uint32_t now() const { return count.load(std::memory_order_relaxed); }
  bool is_open() const { return (now() & 1) != 0; }
  void open() { count.store(now() | 1, std::memory_order_relaxed); }  // odd: open
  void close() {                                                       // the next even count
    const std::uint32_t c = now();
    count.store(c + (c & 1), std::memory_order_relaxed);
  }
};

// One shared cache line that the lock workload writes inside its critical section.
struct alignas(kCacheLineSize) SharedLine {
  std::atomic<std::uint64_t> value{0};

  // A relaxed load and a relaxed store, not a fetch_add: under a lock this is the plain
  // increment a real critical section does (no extra fence to hide a broken lock), and without
  // one it loses updates the way a data race would, while staying defined behaviour.
  void increment() { value.store(value.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }
};
static_assert(sizeof(SharedLine) == kCacheLineSize);

enum class WorkerPhase : std::uint32_t { starting, warmup, measuring, done };
// Where a stress worker is within an operation, for the hang report: waiting to acquire,
// inside (holding), outside (released, between operations). `unknown` for loops that do not say.
enum class WorkerActivity : std::uint32_t { unknown, waiting, inside, outside };

// One worker's results, written only by that worker. Cache-line aligned so that no two workers'
// slots share a line: the hot loop keeps its counters in registers and publishes progress to
// its own line every 1024 operations, which the watchdog may read.
struct alignas(kCacheLineSize) WorkerSlot {
  std::atomic<std::uint64_t> progress{0};
  std::atomic<WorkerPhase> phase{WorkerPhase::starting};
  std::atomic<WorkerActivity> activity{WorkerActivity::unknown};
  std::uint64_t warmup_operations = 0;
  std::uint64_t operations = 0;
  std::uint64_t write_operations = 0;  // rw workload
  std::uint64_t warmup_write_operations = 0;
  WorkerRole role = WorkerRole::worker;  // queue workload
  std::uint64_t failed_attempts = 0;     // queue workload: try-operations that found it full/empty
  std::int64_t end_ns = 0;
  int pinned_cpu = -1;
  int cpu_first = -1;
  int cpu_last = -1;
  std::int64_t cpu_user_ns = 0;
  std::int64_t cpu_system_ns = 0;
  std::int64_t voluntary_switches = 0;
  std::int64_t involuntary_switches = 0;
  std::int32_t tid = 0;  // the worker's kernel thread id, for the supervisor's wake-up watch
  // --fault: operations finished by the processes this worker's replacement took over from; the
  // killed one's own mark; and when a paused one stopped itself (0: not paused).
  std::uint64_t inherited_operations = 0;
  std::uint64_t long_hold_operations = 0;  // stress: operations done in long-hold windows (RunControl::long_holds)
  std::atomic<std::uint32_t> killed_by_fault{0};
  std::atomic<std::int64_t> paused_since_ns{0};
  alignas(kCacheLineSize) LatencyRecorder latency;
  LatencyRecorder write_latency;  // rw workload; untouched (and never paged in) otherwise
  LatencyRecorder overtakes;      // lock workloads: overtakes per timed acquisition (bounded waiting)
};

// One worker's entry on the deadlock workload's wait-for board: the lock it waits for (kNobody,
// -1: none) and the number of that wait among the worker's waits, in one word, so that the
// watch reads both at once. The number is what tells one long wait from a string of short
// ones that happen to read the same at every sample (two workers that give up, back off and
// collide again on the same two locks; or samples far apart when the supervisor was not
// scheduled): only the same wait seen standing for the confirmation time is a deadlock.
struct BoardWait {
  std::int32_t lock;
  std::uint32_t number;

  static BoardWait unpack(std::uint64_t word) {
    return {static_cast<std::int32_t>(static_cast<std::uint32_t>(word)), static_cast<std::uint32_t>(word >> 32)};
  }
  std::uint64_t pack() const { return std::uint64_t{number} << 32 | static_cast<std::uint32_t>(lock); }
};

// The control block of one repetition.
struct RunControl {
  explicit RunControl(std::uint32_t worker_count)
      : workers(worker_count), ready_barrier(worker_count), start_barrier(worker_count) {}

  const std::uint32_t workers;
  SharedBarrier ready_barrier;  // all workers exist and are pinned; warmup begins
  SharedBarrier start_barrier;  // warmup is over; the measured window begins
  StopFlag warmup_over;
  StopFlag stop;
  // `contend stress`: raised for a short quiet period now and then (drive_phases); workers stop
  // between operations until it is lowered, so a sleeper that only other workers' progress
  // would rescue is left stranded where the lost wake-up watch sees it (wake_watch.hpp).
  StopFlag quiet;
  // A semaphore of 2 or more permits: raised a little before each quiet period and lowered after
  // it (drive_phases), and how many more workers may sit that time out *inside* their critical
  // section, each holding its permit (the permits less one; the first workers inside take them:
  // StressWorker::inside_work). With all permits but one held, every other release goes from 0
  // to 1, and one that skips its wake strands a sleeper beside a free permit for the rest of the
  // period, where the release of a second permit would otherwise have woken it. The time before
  // the quiet period (kCrowdNs) lets the other workers crowd the one permit left, so that some
  // are asleep in the semaphore when the quiet period begins: at its start most were outside,
  // and a release can strand only a sleeper. (Measured, broken-sem-no-wake at --permits 2 at the
  // defaults: caught in 5 of 10 runs with one worker named in advance to hold, and in 10 to 13 of
  // 20 with the first inside holding from the start of the quiet period only.)
  StopFlag holding;
  std::atomic<std::int32_t> quiet_holds{0};
  // A lock (one holder) whose critical section is shorter than kLongHoldCsNs: opened
  // kLongHoldWindowNs before each quiet period and closed as it ends (drive_phases). While it is
  // open, the first kLongHoldWorkers workers hold every critical section kLongHoldCsNs longer
  // (StressWorker::inside_work) — locktorture's "a long delay occasionally, to force massive
  // contention" — and the others sit it out (StressWorker::released). With an empty critical
  // section a waiter has seldom gone to sleep in the kernel yet when the holder releases, so an
  // unlock that forgets its wake once in thousands strands nobody; with long holds the waiter is
  // asleep at every release, and with one other worker only, nobody contends to rescue a
  // sleeper the skip stranded: the quiet period then leaves it where the lost wake-up watch sees
  // it. (Measured, broken-rare-wakeup at the defaults, seeded runs: caught in 0 to 2 of 10
  // without; with every worker holding long in 40 ms windows, 16 to 17 of 20, never at 8
  // workers; with two workers only, 19 of 20 at 40 ms and 20 of 20 at 50 ms. 2 µs holds caught
  // more than 1 µs, as many as 4 µs.) The windows' time and operations are left out of the
  // throughput (long_hold_ns, WorkerSlot::long_hold_operations), and waits they touched out of
  // the latency (StressWorker::wait_outside_windows).
  WindowFlag long_holds;
  std::int64_t long_hold_ns = 0;  // the windows' total time, written by drive_phases
  alignas(kCacheLineSize) std::int64_t warmup_start_ns = 0;
  std::int64_t start_ns = 0;
  // Filled by the repetition's child after its workers are done.
  int crash_signal = 0;            // a worker process killed by this signal
  std::uint64_t lost_updates = 0;     // the shared-counter check: increments missing
  std::uint64_t checked_updates = 0;  // increments expected, warmup included (queue: items pushed)
  std::uint64_t reordered_items = 0;  // queue: out of producer order, for a queue that allows it
  char error[256] = {};            // why the child could not run, if it could not
  char violation[256] = {};        // a check the workload ran after its workers failed (queue)
  // Events the workload counted (its workers' EventCounts summed after the run), and which of
  // them it counts (bit i: EventId i), for the result.
  EventCounts events;
  std::uint32_t events_counted = 0;
  // `contend stress`: every worker's check tallies merged, and the checks run after the run.
  CheckTallies checks;
  // `contend stress`: where the workers' own tallies are (in this arena, at the same address in
  // the supervisor), so that a repetition that hangs or crashes still reports the checks that
  // had failed before (set by the workload before its workers start; null when it has none).
  const CheckTallies* worker_tallies = nullptr;
  // Set by the workload before its workers start: the lock's contract is FIFO, so its
  // overtakes are checked against its own bound (stress_verdict.cpp).
  std::uint32_t fifo_contract = 0;
  // The lost wake-up watch (workloads/wake_watch.hpp): how many workers may be inside at once
  // (1 for a lock, the permits for a semaphore; 0: the workload is not watched).
  std::uint32_t holders_allowed = 0;
  // Set for a primitive kept on a server (redis-lock, redlock-N, redis-semaphore): its waiters
  // sleep on their sockets until the server answers, so "asleep while the lock is free" is how
  // they wait, not a lost wake-up; the watch stands aside and the result says so.
  std::uint32_t waits_on_server = 0;
  // The lost wake-up watch judges pairs of handoff ends instead (pingpong: workers 2k and 2k+1
  // both asleep in receive() means the message one of them sent never woke the other).
  std::uint32_t handoff_pairs = 0;
  // The deadlock workload's wait-for board (workloads/deadlock_workload.hpp), which the
  // supervisor's deadlock watch follows (workloads/deadlock_watch.hpp): per worker its wait (a
  // BoardWait word: the lock it is trying to take and which of its waits this is), per lock its
  // holder (kNobody, -1: none). Null for every other workload.
  const std::atomic<std::uint64_t>* deadlock_waiting_for = nullptr;
  const std::atomic<std::int32_t>* deadlock_holder = nullptr;
  std::uint32_t deadlock_locks = 0;
  // --fault kill-holder: when the last holder was killed (0 once someone entered after it), and
  // the times from each kill to the next entry (the recovery of a robust lock).
  alignas(kCacheLineSize) std::atomic<std::int64_t> fault_pending_ns{0};
  std::atomic<std::uint32_t> faults_injected{0};
  std::atomic<std::uint32_t> recoveries{0};
  std::atomic<std::int32_t> last_killed_worker{-1};
  std::int64_t last_kill_ns = 0;
  static constexpr std::uint32_t kMaxRecoveries = 4096;
  std::int64_t recovery_ns[kMaxRecoveries] = {};
};

}  // namespace contend
