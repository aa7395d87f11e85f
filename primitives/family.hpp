#pragma once
// The families of primitives: what operations a primitive offers, and so which workloads can
// run it. A header of its own, with nothing but the names, so that the result model (which
// records a workload's family) can name them without linking any primitive.
#include <cstdint>
#include <string_view>

namespace contend {

enum class Family { lock, semaphore, rw, pingpong, queue, lease, keyed, jobs, tasks, counters };

inline std::string_view to_string(Family f) {
  switch (f) {
    case Family::lock: return "lock";
    case Family::semaphore: return "semaphore";
    case Family::rw: return "rw";
    case Family::pingpong: return "pingpong";
    case Family::queue: return "queue";
    case Family::lease: return "lease";
    case Family::keyed: return "keyed";
    case Family::jobs: return "jobs";
    case Family::tasks: return "tasks";
    case Family::counters: return "counters";
  }
  return "?";
}

// How a claim treats a job row another claim has locked (the jobs family, JobTable in
// primitive.hpp): pass over it (SKIP LOCKED), wait for it (FOR UPDATE), or fail the whole claim
// at once (NOWAIT). Here, beside the names, because a run's configuration records it too.
enum class ClaimMode : std::uint32_t { skip, block, nowait };

// The isolation workload's transactions (the counters family, CounterStore in primitive.hpp): the
// level they run at, and how they add one to a counter: rmw reads it and writes the value read
// plus one (what an ORM's `obj.n += 1; obj.save()` does), atomic has the server do it (`SET n = n
// + 1`).
enum class IsolationLevel : std::uint32_t { read_committed, repeatable_read, serializable };
enum class UpdateMode : std::uint32_t { rmw, atomic };

}  // namespace contend
