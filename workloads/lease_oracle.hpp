#pragma once
// The lease workload's judge: what every worker believes about the lease, in shared memory, and
// the checks that compare a store's answers with it.
//
// Each worker publishes one LeaseRecord (its own cache lines, written only by it, read by every
// other worker under a sequence lock): whether it is idle, attempting a try_acquire, holding, or
// releasing, with the CLOCK_MONOTONIC times that bracket each step — `since` just before its
// try_acquire call, `granted` just after it returned a fence, `release_start` just before its
// release call — and the same for the last lease it released. A store's own clock stamps a grant
// somewhere inside [since, granted], so a lease granted to that attempt
//   - is live at least until since + ttl (the store cannot have started its TTL earlier), and
//   - is over at the latest at granted + ttl (its TTL started no later than the return),
// each widened by the store's slack (a server that keeps expiry in whole milliseconds may end a
// lease up to that much early or late: lease_expiry_slack_ns),
// and those two bounds are all the checks use. No clock is trusted to agree with the store's
// beyond both reading one monotonic clock on one machine.
//
// Checks (each a CheckId, counted per call):
//   lease exclusion   a grant [s, g] while another worker holds a lease it had not begun to
//                     release by g, when neither grant can have expired before the other was
//                     made (its since + ttl > g, and s + ttl > its granted): two live leases.
//   fences increase   a grant's fence must exceed the fence of every lease granted before it began.
//   lease expiry      a refusal [t0, t1] while no other worker can have held a live lease at any
//                     moment of it (none attempting; every lease released or expired before t0).
//   release by token  release() said true although another worker's lease, granted after ours,
//                     was held when ours was released; or said false while ours was surely live.
// Overlaps (events, not violations): a grant while another worker, granted earlier, still
// believes it holds — what a TTL allows when a holder outlives it (Kleppmann's paused client).
// One holder stalled past its TTL overlaps every grant made until it releases.
//
// A record that cannot be read consistently (its owner preempted mid-write) counts as "might
// explain it": the checks never guess against a store, so a miss is possible, a false alarm not.
#include <sched.h>

#include <atomic>
#include <cstdint>
#include <utility>

#include "primitives/cache_line.hpp"
#include "workloads/clock.hpp"

namespace contend {

enum class LeaseStep : std::uint32_t { idle, attempting, holding, releasing };

// A consistent copy of one worker's record.
struct LeaseView {
  LeaseStep step = LeaseStep::idle;
  std::int64_t since = 0;
  std::int64_t granted = 0;
  std::int64_t release_start = 0;
  std::uint64_t fence = 0;
  bool renewing = false;  // --renew: a renewal of the current lease is in flight
  // The bounds' starts, which --renew moves: live at least until live_from + ttl, over by
  // live_to + ttl (since and granted without renewals; the last renewal's call and return).
  std::int64_t live_from = 0;
  std::int64_t live_to = 0;
  // The last lease it released: its attempt's start, grant, release start and end, and fence.
  std::int64_t last_since = 0;
  std::int64_t last_granted = 0;
  std::int64_t last_release_start = 0;
  std::int64_t last_release_end = 0;
  std::uint64_t last_fence = 0;
  std::int64_t last_live_from = 0;
  std::int64_t last_live_to = 0;
};

// One worker's record, behind a sequence lock: odd while its owner writes it.
struct alignas(kCacheLineSize) LeaseRecord {
  std::atomic<std::uint32_t> seq{0};
  std::atomic<LeaseStep> step{LeaseStep::idle};
  std::atomic<std::int64_t> since{0};
  std::atomic<std::int64_t> granted{0};
  std::atomic<std::int64_t> release_start{0};
  std::atomic<std::uint64_t> fence{0};
  std::atomic<bool> renewing{false};
  std::atomic<std::int64_t> live_from{0};
  std::atomic<std::int64_t> live_to{0};
  std::atomic<std::int64_t> last_since{0};
  std::atomic<std::int64_t> last_granted{0};
  std::atomic<std::int64_t> last_release_start{0};
  std::atomic<std::int64_t> last_release_end{0};
  std::atomic<std::uint64_t> last_fence{0};
  std::atomic<std::int64_t> last_live_from{0};
  std::atomic<std::int64_t> last_live_to{0};

  // Owner only: `change` stores the new values (relaxed) between the two sequence bumps.
  template <class Change>
  void write(Change change) {
    const std::uint32_t s = seq.load(std::memory_order_relaxed);
    seq.store(s + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    change(*this);
    seq.store(s + 2, std::memory_order_release);
  }

  // Any worker: false when no consistent copy could be had in a few tries.
  bool read(LeaseView& v) const {
    for (int attempt = 0; attempt < 64; ++attempt) {
      const std::uint32_t s1 = seq.load(std::memory_order_acquire);
      if ((s1 & 1) != 0) continue;
      v.step = step.load(std::memory_order_relaxed);
      v.since = since.load(std::memory_order_relaxed);
      v.granted = granted.load(std::memory_order_relaxed);
      v.release_start = release_start.load(std::memory_order_relaxed);
      v.fence = fence.load(std::memory_order_relaxed);
      v.renewing = renewing.load(std::memory_order_relaxed);
      v.live_from = live_from.load(std::memory_order_relaxed);
      v.live_to = live_to.load(std::memory_order_relaxed);
      v.last_since = last_since.load(std::memory_order_relaxed);
      v.last_granted = last_granted.load(std::memory_order_relaxed);
      v.last_release_start = last_release_start.load(std::memory_order_relaxed);
      v.last_release_end = last_release_end.load(std::memory_order_relaxed);
      v.last_fence = last_fence.load(std::memory_order_relaxed);
      v.last_live_from = last_live_from.load(std::memory_order_relaxed);
      v.last_live_to = last_live_to.load(std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_acquire);
      if (seq.load(std::memory_order_relaxed) == s1) return true;
    }
    return false;
  }
};

// What one grant saw of the others.
struct GrantFindings {
  std::uint64_t overlaps = 0;  // workers that still believed they held it
  bool exclusion_violated = false;
  bool fence_violated = false;
};

// One worker's side of the oracle: its own record to write, everyone's to read.
class LeaseOracle {
 public:
  LeaseOracle(LeaseRecord* records, int workers, int self, std::int64_t ttl_ns, std::int64_t slack_ns)
      : records_(records), workers_(workers), self_(self), ttl_(ttl_ns), slack_(slack_ns) {}

  LeaseRecord& own() { return records_[self_]; }

  // A worker process that replaces one --fault killed finds the dead one's lease in its record:
  // it is kept as a lease released at its expiry (the store frees it then), so the checks still
  // count it as live until then.
  // One that died in the middle of an attempt may have been granted a lease at any moment up to
  // its death, which is past by now: the lease counts as granted now.
  void take_over(std::int64_t now) {
    LeaseView v;
    if (!own().read(v) || v.step == LeaseStep::idle) return;
    const std::int64_t granted = v.step == LeaseStep::attempting ? now : v.granted;
    const std::int64_t live_to = v.step == LeaseStep::attempting ? now : v.live_to;
    const std::int64_t end = live_to + ttl_ + slack_;
    own().write([&](LeaseRecord& r) {
      r.last_since.store(v.since, std::memory_order_relaxed);
      r.last_granted.store(granted, std::memory_order_relaxed);
      r.last_release_start.store(end, std::memory_order_relaxed);
      r.last_release_end.store(end, std::memory_order_relaxed);
      r.last_fence.store(v.step == LeaseStep::attempting ? 0 : v.fence, std::memory_order_relaxed);
      r.last_live_from.store(v.step == LeaseStep::attempting ? v.since : v.live_from, std::memory_order_relaxed);
      r.last_live_to.store(live_to, std::memory_order_relaxed);
      r.step.store(LeaseStep::idle, std::memory_order_relaxed);
    });
  }

  void attempting(std::int64_t since) {
    own().write([&](LeaseRecord& r) {
      r.since.store(since, std::memory_order_relaxed);
      r.granted.store(0, std::memory_order_relaxed);
      r.step.store(LeaseStep::attempting, std::memory_order_relaxed);
    });
  }
  void refused() {
    own().write([](LeaseRecord& r) { r.step.store(LeaseStep::idle, std::memory_order_relaxed); });
  }
  void holding(std::uint64_t fence, std::int64_t granted) {
    own().write([&](LeaseRecord& r) {
      r.granted.store(granted, std::memory_order_relaxed);
      r.live_from.store(r.since.load(std::memory_order_relaxed), std::memory_order_relaxed);
      r.live_to.store(granted, std::memory_order_relaxed);
      r.fence.store(fence, std::memory_order_relaxed);
      r.step.store(LeaseStep::holding, std::memory_order_relaxed);
    });
  }
  // --renew: a renewal of my lease is called now. Until it is answered, my lease may end as late
  // as the renewal's own grant + ttl, which nobody knows yet: a refusal meanwhile is explained.
  void renewing() {
    own().write([](LeaseRecord& r) { r.renewing.store(true, std::memory_order_relaxed); });
  }
  // The renewal called at `since` returned at `granted`: true, and my lease is from now on live
  // at least until since + ttl and over by granted + ttl (live_from, live_to; its grant stays
  // what orders it among the others); false, and it was already lost (nothing changes).
  void renewed(bool extended, std::int64_t since, std::int64_t granted) {
    own().write([&](LeaseRecord& r) {
      if (extended) {
        r.live_from.store(since, std::memory_order_relaxed);
        r.live_to.store(granted, std::memory_order_relaxed);
      }
      r.renewing.store(false, std::memory_order_relaxed);
    });
  }
  void releasing(std::int64_t start) {
    own().write([&](LeaseRecord& r) {
      r.release_start.store(start, std::memory_order_relaxed);
      r.step.store(LeaseStep::releasing, std::memory_order_relaxed);
    });
  }
  void released(std::int64_t end) {
    own().write([&](LeaseRecord& r) {
      r.last_since.store(r.since.load(std::memory_order_relaxed), std::memory_order_relaxed);
      r.last_granted.store(r.granted.load(std::memory_order_relaxed), std::memory_order_relaxed);
      r.last_release_start.store(r.release_start.load(std::memory_order_relaxed), std::memory_order_relaxed);
      r.last_release_end.store(end, std::memory_order_relaxed);
      r.last_fence.store(r.fence.load(std::memory_order_relaxed), std::memory_order_relaxed);
      r.last_live_from.store(r.live_from.load(std::memory_order_relaxed), std::memory_order_relaxed);
      r.last_live_to.store(r.live_to.load(std::memory_order_relaxed), std::memory_order_relaxed);
      r.step.store(LeaseStep::idle, std::memory_order_relaxed);
    });
  }

  // My attempt [since, granted] was granted `fence`.
  GrantFindings check_grant(std::int64_t since, std::int64_t granted, std::uint64_t fence) const {
    GrantFindings f;
    for (int w = 0; w < workers_; ++w) {
      LeaseView v;
      if (!records_[w].read(v)) continue;
      // My own record's current lease is this one; its last lease is my previous one, or the
      // one a --fault-killed predecessor died holding (take_over), which must not overlap mine.
      const bool holds = w != self_ && (v.step == LeaseStep::holding || v.step == LeaseStep::releasing);
      // An overlap is counted by the later of the two grants only.
      if (w != self_ && v.step == LeaseStep::holding && v.granted < granted) ++f.overlaps;
      // Two grants can be ordered only if the first had expired before the second: its
      // attempt's start + ttl at the latest. Neither order possible, and the other not yet
      // released when mine was granted: two live leases at once.
      // (The other's live_from: a renewal moves where its lease surely lives until.)
      const auto unordered = [&](std::int64_t other_live_from, std::int64_t other_granted) {
        return other_live_from + ttl_ - slack_ > granted && since + ttl_ - slack_ > other_granted;
      };
      if (holds && v.granted != 0) {
        const bool still_held = v.step == LeaseStep::holding || v.release_start > granted;
        if (still_held && unordered(v.live_from, v.granted)) f.exclusion_violated = true;
        // A lease granted before I asked must have a smaller fence.
        if (v.granted < since && v.fence >= fence) f.fence_violated = true;
      }
      // Its last lease, released since: the same questions.
      if (v.last_granted != 0) {
        if (v.last_release_start > granted && unordered(v.last_live_from, v.last_granted)) f.exclusion_violated = true;
        if (v.last_granted < since && v.last_fence >= fence) f.fence_violated = true;
      }
    }
    return f;
  }

  // My attempt [t0, t1] was refused: true when no other worker can have held a live lease at
  // any moment of it. Per worker, a record keeps its current step and its last lease only, so:
  //  - an attempt of its still in flight that began by t1 may have been granted before mine:
  //    its outcome is awaited (briefly; still unknown after that, it explains the refusal);
  //  - when its last lease began after t0, an earlier one may have been live in the window and
  //    is no longer on record: that explains it too (a check that cannot see never accuses).
  bool refusal_unexplained(std::int64_t t0, std::int64_t t1) const {
    // My own record counts too: its last lease may be one a --fault-killed predecessor died
    // holding (take_over), live until its expiry; my own previous one was released before t0.
    for (int w = 0; w < workers_; ++w) {
      LeaseView v;
      if (!records_[w].read(v)) return false;
      if (v.step == LeaseStep::attempting && v.since <= t1 && !await_outcome(w, v)) return false;
      if (v.last_granted != 0 && v.last_since > t0) return false;
      const bool holds = v.step == LeaseStep::holding || v.step == LeaseStep::releasing;
      if (holds && v.since <= t1 && (v.renewing || v.live_to + ttl_ + slack_ >= t0)) return false;
      if (v.last_granted != 0 && v.last_release_end >= t0 && v.last_live_to + ttl_ + slack_ >= t0) return false;
    }
    return true;
  }

  // My lease [since, granted], live at least until live_from + ttl (since, or its last renewal's
  // call), was released over [r0, r1] and release() said `ok`: true when that answer is wrong.
  bool release_wrong(std::int64_t live_from, std::int64_t granted, std::int64_t r0, std::int64_t r1, bool ok) const {
    // False while my lease was surely live when the store handled the release (by r1).
    if (!ok) return r1 < live_from + ttl_ - slack_;
    for (int w = 0; w < workers_; ++w) {
      if (w == self_) continue;
      LeaseView v;
      if (!records_[w].read(v)) continue;
      const bool held_then = v.step == LeaseStep::holding || (v.step == LeaseStep::releasing && v.release_start > r1);
      if (!held_then || v.granted == 0 || v.granted >= r0) continue;
      // Its grant came after mine: it asked after I had it, or its lease could not have
      // expired before mine was granted (so it cannot have preceded mine).
      if (v.since > granted || (v.granted > granted && v.live_from + ttl_ - slack_ > granted)) return true;
    }
    return false;
  }

 private:
  // Waits (200 µs at most: it runs inside a timed acquisition) until worker w's attempt in `v`
  // is over, and leaves its record in `v`; false when it was still in flight.
  bool await_outcome(int w, LeaseView& v) const {
    const std::int64_t attempt = v.since;
    const std::int64_t give_up = monotonic_ns() + 200'000;
    while (monotonic_ns() < give_up) {
      sched_yield();
      LeaseView now;
      if (!records_[w].read(now)) continue;
      if (now.step != LeaseStep::attempting || now.since != attempt) {
        v = now;
        return true;
      }
    }
    return false;
  }

  LeaseRecord* const records_;
  const int workers_;
  const int self_;
  const std::int64_t ttl_;
  const std::int64_t slack_;
};

// The resource a lease guards: with fencing, it accepts a write only with a fence greater than
// the greatest it has seen (a storage service checking the token, in Kleppmann's design);
// without, it accepts every write. Either way it counts a write whose fence is not the greatest
// seen as stale.
struct alignas(kCacheLineSize) GuardedResource {
  std::atomic<std::uint64_t> greatest_fence{0};

  // Returns {accepted, stale}.
  std::pair<bool, bool> write(std::uint64_t fence, bool fencing) {
    std::uint64_t seen = greatest_fence.load(std::memory_order_acquire);
    while (fence > seen) {
      if (greatest_fence.compare_exchange_weak(seen, fence, std::memory_order_acq_rel)) return {true, false};
    }
    return {!fencing, true};
  }
};

}  // namespace contend
