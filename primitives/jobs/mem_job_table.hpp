#pragma once
// jobs-mem — a job table in (shared) memory that workers claim jobs from the way services claim
// rows of a jobs table in PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED LIMIT k`, then an
// `UPDATE ... SET status = 'running'` in the same transaction (graphile-worker, Que, Oban).
//
// Rows: a row lock (a futex word: free, locked, locked with sleepers), a state (pending, claimed,
// done), the claim's token and, with a lease, when the claim expires. A claim is a transaction:
// it scans the rows from the first that may be pending, locks each candidate, re-checks it (a
// row claimed or done meanwhile is passed over, as PostgreSQL re-evaluates a row it waited for),
// marks it claimed, and at the end releases every row lock it took (the commit). How it treats
// a row another transaction has locked is the claim mode:
//   skip    pass over it (SKIP LOCKED);
//   block   wait for its lock (plain FOR UPDATE): claimers queue behind each other's rows;
//   nowait  give up the whole claim at once, rolling back the rows it had marked (NOWAIT): the
//           caller sees a conflict and retries.
// A claim with a lease makes the row claimable again once the lease has run out: a worker that
// died (or stalled) holding it does not keep it for ever, and its job is done again elsewhere.
// complete(id, token) marks the row done only if the claim is still that token's.
//
// Contract (the JobTable concept, primitives/primitive.hpp). Fairness: none. Memory ordering:
// the row lock orders a claim's writes before the next transaction that locks the row.
// Process-shared: yes (plain words and futexes keyed by the mapping). A crash: a worker killed
// inside a claim, holding row locks, would block those rows for ever (the watchdog says hang);
// one killed between claim and complete leaves its rows claimed until their lease runs out, or
// for ever without one — which the jobs workload reports as lost.
#include <sched.h>

#include <atomic>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <ctime>

#include "primitives/cpu_relax.hpp"
#include "primitives/futex.hpp"
#include "primitives/primitive.hpp"

namespace contend {

// Its rows follow it in memory (footprint()), so it is aligned, and sized, for them.
class alignas(8) MemJobTable {
 public:
  static constexpr std::string_view kName = "jobs-mem";
  static constexpr std::string_view kDescription =
      "own job table in shared memory: row locks, claim transactions with SKIP LOCKED, FOR UPDATE or NOWAIT";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  static std::size_t footprint(std::uint32_t jobs) { return sizeof(MemJobTable) + sizeof(Row) * jobs; }

  MemJobTable(std::uint32_t jobs, Sharing sharing) : jobs_(jobs), sharing_(sharing) {
    for (std::uint32_t i = 0; i < jobs; ++i) new (&rows()[i]) Row();
  }

  int claim(std::uint64_t token, std::uint32_t batch, ClaimMode mode, std::int64_t lease_ns, std::uint32_t* out) {
    return claim_rows<false>(token, batch, mode, lease_ns, out);
  }

  bool complete(std::uint32_t id, std::uint64_t token) {
    Row& row = rows()[id];
    lock_row(row);
    const bool ours = row.state == kClaimed && row.token == token;
    if (ours) {
      row.state = kDone;
      row.state_hint.store(kDone, std::memory_order_release);
    }
    unlock_row(row);
    if (ours) advance_hint();
    return ours;
  }

  std::uint32_t remaining() {
    std::uint32_t left = 0;
    for (std::uint32_t i = hint_.load(std::memory_order_acquire); i < jobs_; ++i) {
      left += rows()[i].state_hint.load(std::memory_order_acquire) != kDone ? 1 : 0;
    }
    return left;
  }

  // After the run (nobody claims any more), for the workload's checks: whether a row is done,
  // and whether it is held by a claim (a lease still running, or none).
  bool done(std::uint32_t id) const { return rows()[id].state == kDone; }
  bool claimed(std::uint32_t id) const { return rows()[id].state == kClaimed; }
  // Jobs left claimed (after the run: by a claimer that never completed them).
  std::uint32_t claimed_count() const {
    std::uint32_t n = 0;
    for (std::uint32_t id = 0; id < jobs_; ++id) n += claimed(id) ? 1 : 0;
    return n;
  }

 protected:
  static constexpr std::uint32_t kPending = 0;
  static constexpr std::uint32_t kClaimed = 1;
  static constexpr std::uint32_t kDone = 2;

  struct Row {
    std::atomic<std::uint32_t> lock{0};        // 0 free, 1 locked, 2 locked with sleepers
    std::atomic<std::uint32_t> state_hint{0};  // state, readable without the lock (a hint)
    std::uint32_t state = kPending;
    std::uint64_t token = 0;
    std::int64_t lease_until = 0;  // 0: no lease
  };

  static std::int64_t now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
  }

  // The claim transaction. kReadThenUpdate: the planted bug (primitives/testing/broken_jobs.hpp).
  template <bool kReadThenUpdate>
  int claim_rows(std::uint64_t token, std::uint32_t batch, ClaimMode mode, std::int64_t lease_ns,
                 std::uint32_t* out) {
    std::uint32_t got = 0;
    std::uint32_t locked[kMaxBatch];
    std::uint32_t nlocked = 0;
    const std::int64_t now = now_ns();
    for (std::uint32_t i = hint_.load(std::memory_order_acquire); i < jobs_ && got < batch; ++i) {
      Row& row = rows()[i];
      if (!claimable_hint(row, now)) continue;
      if constexpr (kReadThenUpdate) {
        // The bug: the row looked pending without its lock; it is marked claimed under the lock
        // without looking again, so two claimers can both take it.
        for (int p = 0; p < 16; ++p) cpu_relax();
        lock_row(row);
        mark(row, token, now, lease_ns);
        unlock_row(row);
        out[got++] = i;
        continue;
      }
      if (mode == ClaimMode::block) {
        lock_row(row);
      } else if (!try_lock_row(row)) {
        if (mode == ClaimMode::skip) continue;
        rollback(locked, nlocked);  // NOWAIT: the whole transaction fails
        return -1;
      }
      if (!claimable(row, now)) {  // claimed or done while we looked: pass over it
        unlock_row(row);
        continue;
      }
      mark(row, token, now, lease_ns);
      locked[nlocked++] = i;
      out[got++] = i;
    }
    for (std::uint32_t k = 0; k < nlocked; ++k) unlock_row(rows()[locked[k]]);  // commit
    return static_cast<int>(got);
  }

 protected:
  static constexpr std::uint32_t kMaxBatch = 1024;

  Row* rows() { return reinterpret_cast<Row*>(this + 1); }
  const Row* rows() const { return reinterpret_cast<const Row*>(this + 1); }

  static bool claimable(const Row& row, std::int64_t now) {
    return row.state == kPending || (row.state == kClaimed && row.lease_until != 0 && row.lease_until <= now);
  }
  static bool claimable_hint(const Row& row, std::int64_t) {
    // Done rows are passed over without their lock; claimed ones may have an expired lease.
    return row.state_hint.load(std::memory_order_acquire) != kDone;
  }
  static void mark(Row& row, std::uint64_t token, std::int64_t now, std::int64_t lease_ns) {
    row.state = kClaimed;
    row.token = token;
    row.lease_until = lease_ns > 0 ? now + lease_ns : 0;
    row.state_hint.store(kClaimed, std::memory_order_release);
  }

  // NOWAIT's rollback: the rows this transaction marked go back to pending (a row it took over
  // from an expired lease goes back to pending too: its old claim had run out).
  void rollback(const std::uint32_t* locked, std::uint32_t n) {
    for (std::uint32_t k = 0; k < n; ++k) {
      Row& row = rows()[locked[k]];
      row.state = kPending;
      row.token = 0;
      row.lease_until = 0;
      row.state_hint.store(kPending, std::memory_order_release);
      unlock_row(row);
    }
  }

  // The first row that may not be done moves forward as rows are done.
  void advance_hint() {
    std::uint32_t h = hint_.load(std::memory_order_acquire);
    while (h < jobs_ && rows()[h].state_hint.load(std::memory_order_acquire) == kDone) {
      if (hint_.compare_exchange_weak(h, h + 1, std::memory_order_acq_rel)) ++h;
    }
  }

  bool try_lock_row(Row& row) {
    std::uint32_t expected = 0;
    return row.lock.compare_exchange_strong(expected, 1, std::memory_order_acquire, std::memory_order_relaxed);
  }
  void lock_row(Row& row) {
    if (try_lock_row(row)) return;
    while (row.lock.exchange(2, std::memory_order_acquire) != 0) futex::wait(row.lock, 2, sharing_);
  }
  void unlock_row(Row& row) {
    if (row.lock.exchange(0, std::memory_order_release) == 2) futex::wake(row.lock, 1, sharing_);
  }

 private:
  const std::uint32_t jobs_;
  const Sharing sharing_;
  std::atomic<std::uint32_t> hint_{0};
};

static_assert(sizeof(MemJobTable) % alignof(std::int64_t) == 0, "the rows after the table must be aligned");

}  // namespace contend
