#pragma once
// Planted bugs in TTL leases, one for each check of the lease workload (workloads/lease_oracle.hpp),
// each lease-mem (primitives/leases/mem_lease.hpp) with one decision changed — the mistakes
// people make with Redis locks:
//
// broken-lease-no-token     release() deletes the lease whoever holds it (a plain `DEL key`
//                           instead of compare-and-delete). A holder whose lease expired deletes
//                           its successor's: caught by "release by token", and the next grant
//                           by "lease exclusion".
// broken-lease-no-expiry    the lease never expires (`SET key token NX` without `PX`): a holder
//                           that stalls past its TTL keeps everyone out. Caught by "lease
//                           expiry" (a refusal while no live lease existed).
// broken-lease-fence-reuse  taking over an expired lease keeps the old fencing token (the
//                           counter moves only when the lease was free): two holders share a
//                           token, so a guarded resource cannot tell the stale one. Caught by
//                           "fences increase".
// broken-lease-race         checks that the lease is free, then writes it, in two steps (GET,
//                           then SET, without NX): two callers can both take it. Caught by
//                           "lease exclusion".
//
// Process-shared: yes, as lease-mem. Fairness: none.
#include "primitives/leases/mem_lease.hpp"

namespace contend {

// What the planted leases share: lease-mem's record and its correct operations, which each
// replaces one of.
class PlantedLeaseBase {
 public:
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  explicit PlantedLeaseBase(Sharing sharing) : cell_(sharing) {}

  std::uint64_t try_acquire(std::uint64_t token, std::int64_t ttl_ns) { return cell_.try_acquire(token, ttl_ns); }
  bool release(std::uint64_t token) { return cell_.release(token); }
  bool renew(std::uint64_t token, std::int64_t ttl_ns) { return cell_.renew(token, ttl_ns); }
  void wait(std::int64_t until_ns) { cell_.wait(until_ns); }

 protected:
  using Guard = detail::LeaseCell::Guard;
  static std::int64_t now_ns() { return detail::LeaseCell::now_ns(); }
  detail::LeaseCell cell_;
};

class BrokenLeaseNoToken : public PlantedLeaseBase {
 public:
  static constexpr std::string_view kName = "broken-lease-no-token";
  static constexpr std::string_view kDescription = "planted bug: release() deletes the lease without comparing the token";
  using PlantedLeaseBase::PlantedLeaseBase;

  bool release(std::uint64_t) {
    bool wake = false;
    {
      Guard g(cell_);
      // The bug: whoever holds it now loses it.
      if (!cell_.live(now_ns())) return false;
      wake = cell_.clear();
    }
    if (wake) cell_.wake_waiters();
    return true;
  }
};

class BrokenLeaseNoExpiry : public PlantedLeaseBase {
 public:
  static constexpr std::string_view kName = "broken-lease-no-expiry";
  static constexpr std::string_view kDescription = "planted bug: a lease never expires (SET NX without PX)";
  using PlantedLeaseBase::PlantedLeaseBase;

  std::uint64_t try_acquire(std::uint64_t token, std::int64_t ttl_ns) {
    Guard g(cell_);
    // The bug: a holder, live or expired, keeps it.
    if (cell_.holder_ != 0) return 0;
    return cell_.grant(token, now_ns(), ttl_ns);
  }
  bool release(std::uint64_t token) {
    bool wake = false;
    {
      Guard g(cell_);
      if (cell_.holder_ != token) return false;
      wake = cell_.clear();
    }
    if (wake) cell_.wake_waiters();
    return true;
  }
};

class BrokenLeaseFenceReuse : public PlantedLeaseBase {
 public:
  static constexpr std::string_view kName = "broken-lease-fence-reuse";
  static constexpr std::string_view kDescription = "planted bug: taking over an expired lease keeps the old fencing token";
  using PlantedLeaseBase::PlantedLeaseBase;

  std::uint64_t try_acquire(std::uint64_t token, std::int64_t ttl_ns) {
    Guard g(cell_);
    const std::int64_t now = now_ns();
    if (cell_.live(now)) return 0;
    const bool expired_takeover = cell_.holder_ != 0;
    const std::uint64_t fence = cell_.grant(token, now, ttl_ns);
    if (!expired_takeover) return fence;
    // The bug: the counter only moves for a free lease; a takeover reuses the old token.
    cell_.fence_ = fence - 1;
    return fence - 1;
  }
};

class BrokenLeaseRace : public PlantedLeaseBase {
 public:
  static constexpr std::string_view kName = "broken-lease-race";
  static constexpr std::string_view kDescription = "planted bug: try_acquire reads the lease, then writes it (GET, then SET)";
  using PlantedLeaseBase::PlantedLeaseBase;

  std::uint64_t try_acquire(std::uint64_t token, std::int64_t ttl_ns) {
    std::int64_t now = 0;
    {
      Guard g(cell_);
      now = now_ns();
      if (cell_.live(now)) return 0;
    }
    // The bug: another caller can take it here, between the read and the write (a round trip
    // to the server, in real life; a few pauses here).
    for (int i = 0; i < 16; ++i) cpu_relax();
    Guard g(cell_);
    return cell_.grant(token, now, ttl_ns);
  }
};

}  // namespace contend
