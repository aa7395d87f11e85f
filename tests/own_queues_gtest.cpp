// Unit tests of our own queues (ring, monitor-queue, spsc-ring): the Queue contract suite of
// tests/queue_contract.hpp — order, capacity, wrap-around, blocking, and every item delivered
// exactly once in producer order on threads and across processes — plus the planted bug that
// shows the exactly-once check can fail, and the names.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>

#include "primitives/catalog.hpp"
#include "primitives/queues/monitor_queue.hpp"
#include "primitives/queues/mpmc_ring.hpp"
#include "primitives/queues/spsc_ring.hpp"
#include "primitives/testing/broken_queue.hpp"
#include "tests/primitive_test_helpers.hpp"
#include "tests/queue_contract.hpp"

namespace contend::testing {

using OwnQueues = ::testing::Types<MpmcRing, MonitorQueue, SpscRing>;
INSTANTIATE_TYPED_TEST_SUITE_P(Own, QueueContract, OwnQueues, PrimitiveTestName);

namespace {

static_assert(Queue<MpmcRing> && !BlockingQueue<MpmcRing> && !single_producer_single_consumer<MpmcRing>());
static_assert(BlockingQueue<MonitorQueue> && !single_producer_single_consumer<MonitorQueue>());
static_assert(Queue<SpscRing> && !BlockingQueue<SpscRing> && single_producer_single_consumer<SpscRing>());
static_assert(Queue<BrokenQueue> && is_hidden<BrokenQueue>());
static_assert(queue_capacity_kind<MpmcRing>() == QueueCapacity::exact &&
              queue_capacity_kind<MonitorQueue>() == QueueCapacity::exact &&
              queue_capacity_kind<SpscRing>() == QueueCapacity::exact);

// ---- Planted bug: the exactly-once check can fail ----

// The broken queue's misdeliveries are counted under its mutex, so for 2 x 20000 pushes they are
// exact whatever the interleaving: every 1500th push is lost (40000 / 1500 = 26 items), leaving
// 39974 to pop; every 1000th pop repeats its item, so taking them all takes 40014 pops, of
// which 40 are repeats.
constexpr std::uint64_t kBrokenPushed = 2 * std::uint64_t{kItemsPerProducer};
constexpr std::uint64_t kBrokenLost = kBrokenPushed / BrokenQueue::kDropEveryNthPush;
constexpr std::uint64_t kBrokenRepeated = 40;
static_assert(kBrokenLost == 26);

void expect_the_planted_bugs_found(const ExchangeOutcome& outcome) {
  ASSERT_TRUE(outcome.worker_failure.empty()) << "the broken queue must misdeliver, not hang or crash: "
                                              << outcome.worker_failure;
  EXPECT_FALSE(every_item_delivered_once_in_producer_order(outcome));
  EXPECT_EQ(outcome.pushed, kBrokenPushed);
  EXPECT_EQ(outcome.missing, kBrokenLost);
  EXPECT_EQ(outcome.repeated, kBrokenRepeated);
  EXPECT_EQ(outcome.received, kBrokenPushed - kBrokenLost + kBrokenRepeated);
  EXPECT_EQ(outcome.foreign, 0u);
}

TEST(QueueChecks, ExactlyOnceCheckCatchesLostAndRepeatedItemsOnThreads) {
  const ExchangePlan plan = default_exchange_plan<BrokenQueue>();
  ASSERT_EQ(plan.producers, 2);
  expect_the_planted_bugs_found(exchange_on_threads<BrokenQueue>(plan));
}

TEST(QueueChecks, ExactlyOnceCheckCatchesLostAndRepeatedItemsAcrossProcesses) {
  const ExchangePlan plan = default_exchange_plan<BrokenQueue>();
  ASSERT_EQ(plan.producers, 2);
  expect_the_planted_bugs_found(exchange_on_processes<BrokenQueue>(plan));
}

// ---- Construction ----

TEST(OwnQueueConstruction, RefuseCapacitiesTheyCannotHold) {
  EXPECT_THROW(HeapQueue<MpmcRing>(3), std::invalid_argument);
  EXPECT_THROW(HeapQueue<SpscRing>(3), std::invalid_argument);
  EXPECT_THROW(HeapQueue<SpscRing>(0), std::invalid_argument);
  EXPECT_THROW(HeapQueue<MonitorQueue>(0), std::invalid_argument);
  EXPECT_THROW(HeapQueue<BrokenQueue>(0), std::invalid_argument);
}

// The monitor queue needs no power of two: its capacity is exact for any size.
TEST(OwnQueueConstruction, MonitorQueueHoldsExactlyAnyCapacity) {
  HeapQueue<MonitorQueue> queue(5);
  ASSERT_TRUE(pushes_in_sequence(*queue, 0, 5));
  EXPECT_FALSE(queue->try_push(item_of(0, 5)));
  for (std::uint64_t lap = 0; lap < 3; ++lap) {
    ASSERT_TRUE(pops_in_sequence(*queue, lap * 5, 5));
    ASSERT_TRUE(pushes_in_sequence(*queue, (lap + 1) * 5, 5));
  }
}

// ---- Names ----

TEST(QueueCatalog, NamesAreUniqueKebabCaseWithOneLineDescriptions) {
  expect_names_unique_kebab_case_with_one_line_descriptions(TypeList<MpmcRing, MonitorQueue, SpscRing, BrokenQueue>{});
}

}  // namespace
}  // namespace contend::testing
