#pragma once
// The lost wake-up watch of `contend stress`: catches a waiter that sleeps on while the
// primitive is free, even while the other workers go on.
//
// A correct blocking lock never leaves a sleeper behind when the lock becomes free: the unlock
// that frees it wakes a sleeper (or the sleeper is not needed because someone else takes the
// lock at once). A lock whose unlock forgets the wake, or whose woken waiter clears the "there
// are waiters" flag, leaves one asleep in the kernel; the next worker that contends usually
// rescues it, which is why these bugs hide behind other workers' progress.
//
// What the supervisor samples (every millisecond, from the workers' slots and /proc):
//   free        fewer workers inside than may be (a lock: nobody inside; a semaphore: fewer
//               holders than permits). A worker counts as inside from the moment its acquire
//               returns until its release returns, so a release that is still issuing its wake
//               keeps the primitive "held" — a correct unlock is never caught mid-wake.
//   stranded    a waiting worker whose thread is asleep (/proc/TID/stat state S or D) and has
//               not run since the previous sample (/proc/TID/schedstat's run count unchanged),
//               at a sample where the primitive is free and no other waiting worker is awake to
//               take it.
// A waiter's stranded time (the sampled time the primitive was free while it slept) adds up over
// one unbroken sleep, busy samples in between included; past the limit it is a lost wake-up,
// reported with the worker, how long, and the primitive's state. In measured runs of every
// correct lock, semaphore and rw lock here, at 2 to 8 workers, not one sample was ever
// stranded; the limit (5 ms, or a sixteenth of --stall when that is shorter) is five samples.
//
// Quiet periods: while others keep contending, one of them soon rescues a stranded sleeper, so
// the stranding is too short to see. So every 200 ms of a stress run the repetition's child
// raises RunControl::quiet for 10 ms: workers finish the operation they are in and sit it out
// asleep between operations. A correct primitive hands itself to every waiter in turn and all
// end up outside; a sleeper a lost wake-up stranded stays asleep with the primitive free, with
// nobody left to rescue it, and the watch sees it within the period.
//
// Handoff pairs (pingpong, RunControl::handoff_pairs): an end is waiting from the moment its own
// send() returned until its receive() returns, so both ends of a pair waiting means a message was
// sent and not yet received. Both asleep in the same sleep for the limit is a lost wake-up: a
// correct channel wakes its receiver within microseconds. No quiet periods: a pair has nobody
// else to rescue it.
//
// Waiters that spin (state R) are not this watch's concern: a spinning waiter sees a free lock
// by itself; a lock that never becomes free is the progress watchdog's `hang`.
#include <cstdint>
#include <string>
#include <vector>

#include "primitives/sanitizers.hpp"
#include "workloads/model/spec.hpp"
#include "workloads/run_control.hpp"

namespace contend {

// False under ThreadSanitizer: its runtime serializes atomics on internal locks, so a waiter that
// only spins can be found asleep on one of them, and "asleep in its acquire" no longer means what
// the watch needs. Stress then says the check could not run (collect_checks), and the self-test
// skips its lost wake-up cases.
constexpr bool wake_watch_available() {
#if defined(CONTEND_THREAD_SANITIZER)
  return false;
#else
  return true;
#endif
}

class WakeWatch {
 public:
  WakeWatch(const RunSpec& spec, const RunControl& control, const WorkerSlot* slots);
  ~WakeWatch();
  WakeWatch(const WakeWatch&) = delete;
  WakeWatch& operator=(const WakeWatch&) = delete;

  // One sample. True when a waiter has slept past the limit while the primitive was free.
  bool stranded(std::int64_t now_ns);
  // The finding: which worker, how long, and the primitive's state at the last sample.
  std::string report() const;
  int stranded_worker() const { return stranded_worker_; }
  std::int64_t limit_ns() const { return limit_ns_; }

 private:
  struct Waiter {
    int stat_fd = -1;       // /proc/TID/stat, kept open and re-read
    int schedstat_fd = -1;  // /proc/TID/schedstat
    std::int32_t tid = 0;
    std::uint64_t run_count = 0;  // schedstat's third field at the previous sample
    bool asleep = false;          // at the previous sample
    std::int64_t stranded_ns = 0; // over the current unbroken sleep
  };
  enum class Sleep { not_waiting, unknown, awake, new_sleep, same_sleep };
  // Worker w's thread at this sample: not waiting, /proc could not tell, awake, asleep since
  // this sample, or asleep in the same sleep as at the previous one (its run count unchanged).
  // Resets its stranded time unless it is the same sleep.
  Sleep sample(int w);
  // The handoff pair rule (RunControl::handoff_pairs).
  bool stranded_pair(std::int64_t now_ns);
  // The time since the previous sample, capped, and this sample's time kept.
  std::int64_t next_gap(std::int64_t now_ns);
  // The thread's state letter and run count, or false when /proc could not tell.
  bool read_thread(Waiter& w, char& state, std::uint64_t& run_count);
  void open_files(Waiter& w, std::int32_t tid);

  const RunSpec& spec_;
  const RunControl& control_;
  const WorkerSlot* slots_;
  const std::int64_t limit_ns_;
  std::vector<Waiter> waiters_;
  std::int64_t last_sample_ns_ = 0;
  int stranded_worker_ = -1;
  std::string state_;
};

}  // namespace contend
