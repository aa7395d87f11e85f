#pragma once
// The property checks `contend stress` runs, by identity and by the name every result and
// report shows. What each check does lives with the loops that run it
// (workloads/*_stress.hpp, workloads/checks.hpp); a result only records its name, counts
// and first occurrence (CheckResult, workloads/model/result.hpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace contend {

enum class CheckId : std::uint32_t {
  exclusion_strong,       // lock/rw writer: an atomic occupancy counter is 0 on entry
  exclusion_transparent,  // lock/rw: a plain owner word, written and re-read inside, is ours
  lost_updates,           // lock/rw: a plain shared counter equals the critical sections
  try_lock_exclusion,     // lock: an acquisition by try_lock found nobody inside
  semaphore_holders,      // semaphore: never more holders than permits
  permits_conserved,      // semaphore: after the run, exactly `permits` can be taken
  rw_exclusion,           // rw: no writer with anyone else inside (readers or a writer)
  queue_lost,             // queue: every item pushed was delivered...
  queue_duplicated,       // ...once...
  queue_invented,         // ...and nothing was delivered that no producer pushed
  queue_order,            // queue: each consumer saw each producer's items in push order
  progress,               // the watchdog saw progress until the end (a hang fails it)
  starvation,             // no worker did (almost) nothing while the others progressed
  bounded_waiting,        // overtakes, waits and fairness within the gates (and a FIFO lock's own bound)
  lost_wakeup,            // no waiter slept on while the primitive was free and nobody else was awake to take it
  handoff_sequence,       // pingpong: every message arrives once, in order, at the end it was sent to
  lease_exclusion,        // lease: never two live leases at once
  fence_order,            // lease: a grant's fencing token exceeds every one granted before it began
  lease_expiry,           // lease: no refusal while no live lease existed (expired leases are free)
  lease_release,          // lease: release() succeeds only for the token that holds the lease
  key_limit,              // keyed: never more holders of a key than --per-key
  spurious_rejection,     // keyed: never turned away while the key had room all along
  idle_table_empty,       // keyed: after the run, no key's state is left behind
  lock_order,             // deadlock: no pair of locks taken in both orders (lockdep)
  deadlock,               // deadlock: no cycle of workers each waiting for a lock the next holds
  job_once,               // jobs: no job worked on twice (without --lease: at most once)
  jobs_lost,              // jobs: after the run, no job left claimed by nobody (every one done or claimable)
  fifo_wake,              // tasks: a FIFO runtime's waiter is overtaken at most 2 x (tasks - 1) times (exact: one thread)
  count
};
inline constexpr std::size_t kCheckCount = static_cast<std::size_t>(CheckId::count);

inline std::string_view check_name(CheckId id) {
  switch (id) {
    case CheckId::exclusion_strong: return "mutual exclusion (strong)";
    case CheckId::exclusion_transparent: return "mutual exclusion (transparent)";
    case CheckId::lost_updates: return "lost updates";
    case CheckId::try_lock_exclusion: return "try_lock while held";
    case CheckId::semaphore_holders: return "holders within permits";
    case CheckId::permits_conserved: return "permits conserved";
    case CheckId::rw_exclusion: return "writer alone";
    case CheckId::queue_lost: return "no item lost";
    case CheckId::queue_duplicated: return "no item duplicated";
    case CheckId::queue_invented: return "nothing invented";
    case CheckId::queue_order: return "per-producer order";
    case CheckId::progress: return "progress";
    case CheckId::starvation: return "starvation";
    case CheckId::bounded_waiting: return "bounded waiting";
    case CheckId::lost_wakeup: return "lost wake-up";
    case CheckId::handoff_sequence: return "handoff sequence";
    case CheckId::lease_exclusion: return "lease exclusion";
    case CheckId::fence_order: return "fences increase";
    case CheckId::lease_expiry: return "lease expiry";
    case CheckId::lease_release: return "release by token";
    case CheckId::key_limit: return "per-key limit";
    case CheckId::spurious_rejection: return "no spurious rejection";
    case CheckId::idle_table_empty: return "table empty when idle";
    case CheckId::lock_order: return "lock order";
    case CheckId::deadlock: return "deadlock";
    case CheckId::job_once: return "job done once";
    case CheckId::jobs_lost: return "no job lost";
    case CheckId::fifo_wake: return "FIFO wake order";
    case CheckId::count: break;
  }
  return "?";
}

}  // namespace contend
