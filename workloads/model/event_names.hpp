#pragma once
// Events: what a workload counts beside its operations, for the patterns services use (a lease's
// overlaps and stale writes, its waits that timed out). Unlike a check's violations they are
// figures, not verdicts: a TTL lease overlaps by design when a holder outlives its TTL, and the
// count is what the user came to see. Each has a stable name (the JSON key and CSV column) and
// a label for tables. A repetition lists only the events its workload counts.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace contend {

enum class EventId : std::uint32_t {
  overlaps,               // lease: grants while another worker still believed it held the lease
  stale_writes_accepted,  // lease: writes the guarded resource took with a fence below the greatest it had seen
  stale_writes_rejected,  // lease: such writes it refused (fencing on)
  wait_timeouts,          // lease: acquisitions given up at --wait-timeout
  late_releases,          // lease: releases that found the lease no longer theirs (it had expired)
  refusals,               // lease: try_acquire calls that found it held (each poll or wake-up that lost)
  admitted,               // keyed: requests that got a slot of their key
  rejected,               // keyed: requests turned away at once (--on-busy fail)
  restarts,               // deadlock: operations that gave back their locks after a conflict and started over
  timeouts,               // deadlock: of those, the ones --on-conflict timeout ended
  time_lost_ns,           // deadlock: time spent in attempts that ended in a restart, in ns
  inversions,             // deadlock: pairs of locks seen taken in both orders (lockdep's finding)
  duplicates,             // jobs: a job worked on again after its claim ran out (--lease)
  late_completions,       // jobs: complete() calls refused because the claim had run out and moved on
  conflicts,              // jobs: claims NOWAIT gave up (a row was locked), retried
  empty_claims,           // jobs: claims that found nothing to take while jobs were left (all claimed or locked)
  cancellations,          // tasks: waits another task cancelled (--cancel), retried
  serialization_failures,  // isolation: transactions the server rolled back with 40001, retried
  deadlocks_detected,      // isolation: transactions the server rolled back with 40P01, retried
  locks_not_available,     // isolation: transactions that met 55P03 (lock_timeout), retried
  increments_lost,         // isolation: committed increments missing from the counters' sum
  redelivered,             // queue on a broker: deliveries flagged as maybe sent before (a consumer died holding them; a producer published again after a lost connection)
  publishes_refused,       // queue on a broker: publishes the broker nacked (a full queue: --capacity), published again
  dead_rows_kept,          // jobs in PostgreSQL: dead row versions a VACUUM after the run could not remove
  count
};
inline constexpr std::size_t kEventCount = static_cast<std::size_t>(EventId::count);
static_assert(kEventCount <= 32, "RunControl::events_counted is a 32-bit mask");

inline std::string_view event_name(EventId id) {
  switch (id) {
    case EventId::overlaps: return "overlaps";
    case EventId::stale_writes_accepted: return "stale_writes_accepted";
    case EventId::stale_writes_rejected: return "stale_writes_rejected";
    case EventId::wait_timeouts: return "wait_timeouts";
    case EventId::late_releases: return "late_releases";
    case EventId::refusals: return "refusals";
    case EventId::admitted: return "admitted";
    case EventId::rejected: return "rejected";
    case EventId::restarts: return "restarts";
    case EventId::timeouts: return "timeouts";
    case EventId::time_lost_ns: return "time_lost_ns";
    case EventId::inversions: return "inversions";
    case EventId::duplicates: return "duplicates";
    case EventId::late_completions: return "late_completions";
    case EventId::conflicts: return "conflicts";
    case EventId::empty_claims: return "empty_claims";
    case EventId::cancellations: return "cancellations";
    case EventId::serialization_failures: return "serialization_failures";
    case EventId::deadlocks_detected: return "deadlocks_detected";
    case EventId::locks_not_available: return "locks_not_available";
    case EventId::increments_lost: return "increments_lost";
    case EventId::redelivered: return "redelivered";
    case EventId::publishes_refused: return "publishes_refused";
    case EventId::dead_rows_kept: return "dead_rows_kept";
    case EventId::count: break;
  }
  return "?";
}

inline std::string_view event_label(EventId id) {
  switch (id) {
    case EventId::overlaps: return "overlaps";
    case EventId::stale_writes_accepted: return "stale writes accepted";
    case EventId::stale_writes_rejected: return "stale writes rejected";
    case EventId::wait_timeouts: return "wait timeouts";
    case EventId::late_releases: return "late releases";
    case EventId::refusals: return "refusals";
    case EventId::admitted: return "admitted";
    case EventId::rejected: return "rejected";
    case EventId::restarts: return "restarts";
    case EventId::timeouts: return "timeouts";
    case EventId::time_lost_ns: return "ns lost to restarts";
    case EventId::inversions: return "lock-order inversions";
    case EventId::duplicates: return "jobs done again";
    case EventId::late_completions: return "late completions";
    case EventId::conflicts: return "NOWAIT conflicts";
    case EventId::empty_claims: return "empty claims";
    case EventId::cancellations: return "cancelled waits";
    case EventId::serialization_failures: return "serialization failures (40001)";
    case EventId::deadlocks_detected: return "deadlocks (40P01)";
    case EventId::locks_not_available: return "locks not available (55P03)";
    case EventId::increments_lost: return "lost updates";
    case EventId::redelivered: return "redelivered";
    case EventId::publishes_refused: return "publishes refused";
    case EventId::dead_rows_kept: return "dead rows VACUUM could not remove";
    case EventId::count: break;
  }
  return "?";
}

// Per worker, in the repetition's arena (written only by its worker, so a worker process that
// --fault kills loses nothing it counted, and its replacement counts on in the same place).
struct alignas(64) EventCounts {
  std::uint64_t by_event[kEventCount] = {};

  std::uint64_t& operator[](EventId id) { return by_event[static_cast<std::size_t>(id)]; }
  std::uint64_t operator[](EventId id) const { return by_event[static_cast<std::size_t>(id)]; }
};

}  // namespace contend
