// Unit tests of the keyed limiters and the table under them: the table against std::map over
// random inserts and erasures (backward-shift deletion keeps every key findable), each limiter's
// per-key limit, its wake-up of a waiter, and its table returning to empty.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <thread>

#include "primitives/catalog.hpp"

namespace contend {
namespace {

TEST(KeyTable, AgreesWithAMapOverRandomInsertsAndErasures) {
  KeyTable<64> table;
  std::map<std::uint32_t, std::uint32_t> reference;
  std::mt19937 random(7);
  for (int step = 0; step < 20000; ++step) {
    const auto key = static_cast<std::uint32_t>(random() % 100);
    if (random() % 2 == 0 && reference.size() < 48) {
      std::uint32_t* v = table.find_or_insert(key);
      ASSERT_NE(v, nullptr);
      *v = key * 3 + 1;
      reference[key] = key * 3 + 1;
    } else {
      table.erase(key);
      reference.erase(key);
    }
    ASSERT_EQ(table.size(), reference.size()) << step;
    for (const auto& [k, v] : reference) {
      const std::uint32_t* found = table.find(k);
      ASSERT_NE(found, nullptr) << "key " << k << " lost at step " << step;
      ASSERT_EQ(*found, v);
    }
  }
}

template <class L>
class Limiter : public ::testing::Test {};
using LimiterTypes =
    ::testing::Types<KeyedAtomicLimiter, KeyedMapLimiter, KeyedStripedLimiter, KeyedSemaphoreLimiter>;
TYPED_TEST_SUITE(Limiter, LimiterTypes);

TYPED_TEST(Limiter, AdmitsPerKeyHoldersAndEmptiesWhenIdle) {
  auto limiter = std::make_unique<TypeParam>(2, Sharing::thread_private);
  EXPECT_TRUE(limiter->try_enter(7));
  EXPECT_TRUE(limiter->try_enter(7));
  EXPECT_FALSE(limiter->try_enter(7));  // full
  EXPECT_TRUE(limiter->try_enter(8));   // another key has its own slots
  EXPECT_EQ(limiter->active_keys(), 2u);
  limiter->leave(7);
  EXPECT_TRUE(limiter->try_enter(7));
  limiter->leave(7);
  limiter->leave(7);
  limiter->leave(8);
  EXPECT_EQ(limiter->active_keys(), 0u);
}

TYPED_TEST(Limiter, ALeaveWakesAWaiterOfThatKey) {
  auto limiter = std::make_unique<TypeParam>(1, Sharing::thread_private);
  limiter->enter(3);
  std::atomic<bool> entered{false};
  std::thread waiter([&] {
    limiter->enter(3);
    entered = true;
    limiter->leave(3);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(entered.load());
  limiter->leave(3);
  waiter.join();
  EXPECT_TRUE(entered.load());
  EXPECT_EQ(limiter->active_keys(), 0u);
}

// More distinct keys, one after another, than any table has room for: a key that was left is
// forgotten (or its slot taken by the next), so the table never fills.
TYPED_TEST(Limiter, ManyMoreKeysThanSlotsComeAndGo) {
  auto limiter = std::make_unique<TypeParam>(1, Sharing::thread_private);
  for (std::uint32_t key = 0; key < 100'000; ++key) {
    ASSERT_TRUE(limiter->try_enter(key * 7919)) << key;
    ASSERT_TRUE(limiter->try_enter(key * 7919 + 1)) << key;
    ASSERT_FALSE(limiter->try_enter(key * 7919)) << key;
    limiter->leave(key * 7919);
    limiter->leave(key * 7919 + 1);
  }
  EXPECT_EQ(limiter->active_keys(), 0u);
}

}  // namespace
}  // namespace contend
