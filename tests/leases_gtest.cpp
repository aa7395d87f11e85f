// Unit tests of the TTL leases and of the lease workload's oracle: lease-mem's contract (a
// token's compare-and-delete, expiry, increasing fencing tokens, renew, a waiter woken by a
// release), each planted lease's flaw seen directly, and the oracle's verdicts on timelines
// written by hand — including the ones that must not accuse a correct store.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "primitives/catalog.hpp"
#include "workloads/lease_oracle.hpp"

namespace contend {
namespace {

using detail::LeaseCell;
constexpr std::int64_t kMs = 1'000'000;

void sleep_ns(std::int64_t ns) { std::this_thread::sleep_for(std::chrono::nanoseconds(ns)); }

TEST(MemLease, GrantsOnceUntilReleasedByItsToken) {
  MemLease lease(Sharing::thread_private);
  const std::uint64_t first = lease.try_acquire(1, 1000 * kMs);
  EXPECT_GT(first, 0u);
  EXPECT_EQ(lease.try_acquire(2, 1000 * kMs), 0u);
  EXPECT_FALSE(lease.release(2));  // not its token: nothing happens
  EXPECT_EQ(lease.try_acquire(2, 1000 * kMs), 0u);
  EXPECT_TRUE(lease.release(1));
  EXPECT_FALSE(lease.release(1));  // already gone
  const std::uint64_t second = lease.try_acquire(2, 1000 * kMs);
  EXPECT_GT(second, first);
}

TEST(MemLease, AnExpiredLeaseGoesToTheNextCallerWithAGreaterFence) {
  MemLease lease(Sharing::thread_private);
  const std::uint64_t first = lease.try_acquire(1, 2 * kMs);
  sleep_ns(4 * kMs);
  const std::uint64_t second = lease.try_acquire(2, 1000 * kMs);
  EXPECT_GT(second, first);
  EXPECT_FALSE(lease.release(1));  // the expired holder cannot delete its successor's lease
  EXPECT_FALSE(lease.renew(1, 1000 * kMs));
  EXPECT_EQ(lease.try_acquire(3, 1000 * kMs), 0u);
  EXPECT_TRUE(lease.release(2));
}

TEST(MemLease, RenewKeepsALiveLease) {
  MemLease lease(Sharing::thread_private);
  ASSERT_GT(lease.try_acquire(1, 20 * kMs), 0u);
  for (int i = 0; i < 5; ++i) {
    sleep_ns(8 * kMs);
    ASSERT_TRUE(lease.renew(1, 20 * kMs)) << i;
  }
  EXPECT_EQ(lease.try_acquire(2, 20 * kMs), 0u);  // 40 ms after the grant: alive thanks to renewals
}

TEST(MemLease, WaitReturnsOnReleaseAndAtOnceWhenFree) {
  MemLease lease(Sharing::thread_private);
  const auto far = LeaseCell::now_ns() + 5000 * kMs;
  const auto t0 = std::chrono::steady_clock::now();
  lease.wait(far);  // free: returns at once
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(100));

  ASSERT_GT(lease.try_acquire(1, 5000 * kMs), 0u);
  std::atomic<bool> woke{false};
  std::thread waiter([&] {
    lease.wait(far);
    woke = true;
  });
  sleep_ns(20 * kMs);
  EXPECT_FALSE(woke.load());
  EXPECT_TRUE(lease.release(1));
  waiter.join();  // a release wakes it (or the test would wait 5 s)
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(2000));
}

TEST(MemLease, WaitEndsAtTheHoldersExpiry) {
  MemLease lease(Sharing::thread_private);
  ASSERT_GT(lease.try_acquire(1, 10 * kMs), 0u);
  const auto t0 = std::chrono::steady_clock::now();
  lease.wait(LeaseCell::now_ns() + 5000 * kMs);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1000));
  EXPECT_GT(lease.try_acquire(2, 10 * kMs), 0u);
}

TEST(PlantedLeases, EachHasItsFlaw) {
  {
    BrokenLeaseNoToken lease(Sharing::thread_private);
    ASSERT_GT(lease.try_acquire(1, 1000 * kMs), 0u);
    EXPECT_TRUE(lease.release(2));  // deletes a lease that is not its own
  }
  {
    BrokenLeaseNoExpiry lease(Sharing::thread_private);
    ASSERT_GT(lease.try_acquire(1, 1 * kMs), 0u);
    sleep_ns(3 * kMs);
    EXPECT_EQ(lease.try_acquire(2, 1 * kMs), 0u);  // expired, still refused
  }
  {
    BrokenLeaseFenceReuse lease(Sharing::thread_private);
    const std::uint64_t first = lease.try_acquire(1, 1 * kMs);
    sleep_ns(3 * kMs);
    EXPECT_EQ(lease.try_acquire(2, 1 * kMs), first);  // the takeover reuses the token
  }
}

// The oracle on hand-written timelines: worker 0 is "me", worker 1 the other.
struct Timeline {
  LeaseRecord records[2];
  LeaseOracle me{records, 2, 0, 100, 0};   // ttl 100 (time units are ns; any unit works)
  LeaseOracle other{records, 2, 1, 100, 0};
};

TEST(LeaseOracle, TwoLiveLeasesAreAnExclusionViolation) {
  Timeline t;
  t.other.attempting(10);
  t.other.holding(5, 12);
  t.me.attempting(20);
  const GrantFindings f = t.me.check_grant(20, 22, 6);
  EXPECT_TRUE(f.exclusion_violated);
  EXPECT_EQ(f.overlaps, 1u);
  EXPECT_FALSE(f.fence_violated);
}

TEST(LeaseOracle, AGrantAfterTheOthersExpiryIsAnOverlapNotAViolation) {
  Timeline t;
  t.other.attempting(10);
  t.other.holding(5, 12);
  const GrantFindings f = t.me.check_grant(150, 152, 6);  // the other's lease ended by 112
  EXPECT_FALSE(f.exclusion_violated);
  EXPECT_EQ(f.overlaps, 1u);  // it still believes it holds: Kleppmann's paused client
}

TEST(LeaseOracle, AGrantAfterTheOthersReleaseIsClean) {
  Timeline t;
  t.other.attempting(10);
  t.other.holding(5, 12);
  t.other.releasing(30);
  t.other.released(32);
  const GrantFindings f = t.me.check_grant(40, 42, 6);
  EXPECT_FALSE(f.exclusion_violated);
  EXPECT_EQ(f.overlaps, 0u);
  // A fence not above one granted before I asked is a violation.
  EXPECT_TRUE(t.me.check_grant(40, 42, 5).fence_violated);
}

TEST(LeaseOracle, ARefusalWithNoLiveLeaseIsUnexplained) {
  Timeline t;
  t.other.attempting(10);
  t.other.holding(5, 12);
  EXPECT_FALSE(t.me.refusal_unexplained(50, 52));  // its lease lives until 112 at most
  EXPECT_TRUE(t.me.refusal_unexplained(200, 202));  // expired at 112 at the latest: should have been mine
}

TEST(LeaseOracle, ARefusalIsExplainedByALeaseReleasedDuringIt) {
  Timeline t;
  t.other.attempting(10);
  t.other.holding(5, 12);
  t.other.releasing(50);
  t.other.released(52);
  EXPECT_FALSE(t.me.refusal_unexplained(49, 51));
  EXPECT_TRUE(t.me.refusal_unexplained(60, 62));
}

TEST(LeaseOracle, ALostHistoryNeverAccuses) {
  Timeline t;
  t.other.attempting(70);  // its last lease began after my refusal did: an earlier one may have been live
  t.other.holding(5, 72);
  t.other.releasing(80);
  t.other.released(81);
  EXPECT_FALSE(t.me.refusal_unexplained(60, 62));
}

// --fault kill-holder: the replacement keeps its predecessor's lease on record until it expires.
TEST(LeaseOracle, AReplacementKeepsItsPredecessorsLeaseUntilItsExpiry) {
  Timeline t;
  t.me.attempting(10);
  t.me.holding(5, 12);  // worker 0 dies holding
  LeaseOracle replacement{t.records, 2, 0, 100, 0};
  replacement.take_over(20);
  EXPECT_FALSE(t.other.refusal_unexplained(50, 52));  // the dead holder's lease lives until 112 at most
  EXPECT_TRUE(t.other.refusal_unexplained(200, 202));
  EXPECT_TRUE(t.other.check_grant(50, 52, 6).exclusion_violated);

  // One that died in the middle of an attempt may have been granted until its death: the
  // takeover's time stands for the grant.
  Timeline u;
  u.me.attempting(10);
  LeaseOracle replacement2{u.records, 2, 0, 100, 0};
  replacement2.take_over(40);
  EXPECT_FALSE(u.other.refusal_unexplained(120, 122));
  EXPECT_TRUE(u.other.refusal_unexplained(150, 152));
}

TEST(LeaseOracle, AReleaseThatDeletesTheSuccessorsLeaseIsWrong) {
  Timeline t;
  // I held [10, 12], expired at 112; the other asked at 150 and holds; my release at 160 says true.
  t.me.attempting(10);
  t.me.holding(5, 12);
  t.other.attempting(150);
  t.other.holding(6, 152);
  EXPECT_TRUE(t.me.release_wrong(10, 12, 160, 161, true));
  EXPECT_FALSE(t.me.release_wrong(10, 12, 160, 161, false));  // false is the right answer
  // False while my lease was surely live (until 110) is wrong too.
  Timeline alone;
  alone.me.attempting(10);
  alone.me.holding(5, 12);
  EXPECT_TRUE(alone.me.release_wrong(10, 12, 50, 51, false));
  EXPECT_FALSE(alone.me.release_wrong(10, 12, 50, 51, true));
}

TEST(GuardedResource, FencingRefusesStaleWritesAndCountsThemEitherWay) {
  GuardedResource fenced;
  EXPECT_EQ(fenced.write(5, true), std::make_pair(true, false));
  EXPECT_EQ(fenced.write(4, true), std::make_pair(false, true));
  EXPECT_EQ(fenced.write(5, true), std::make_pair(false, true));
  GuardedResource open;
  EXPECT_EQ(open.write(5, false), std::make_pair(true, false));
  EXPECT_EQ(open.write(4, false), std::make_pair(true, true));
}

}  // namespace
}  // namespace contend
