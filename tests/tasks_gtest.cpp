// Unit tests of the coroutine runtime (primitives/tasks/): the event loop's FIFO order, the async
// semaphore's FIFO grants and its cancellation before and after a grant (CPython gh-90155: the
// planted flaw loses the permit, the real one passes it on), and the bounded queue's order,
// back-pressure, cancellation and close.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "primitives/tasks/async_queue.hpp"
#include "primitives/tasks/async_semaphore.hpp"
#include "primitives/tasks/event_loop.hpp"

namespace contend::tasks {
namespace {

Task record_after_yields(EventLoop& loop, std::vector<int>& order, int id, int yields) {
  for (int i = 0; i < yields; ++i) co_await loop.yield();
  order.push_back(id);
}

TEST(EventLoop, RunsReadyTasksInOrderAndYieldGoesToTheBack) {
  EventLoop loop(4);
  std::vector<int> order;
  Task a = record_after_yields(loop, order, 0, 2);
  Task b = record_after_yields(loop, order, 1, 0);
  Task c = record_after_yields(loop, order, 2, 1);
  loop.spawn(a);
  loop.spawn(b);
  loop.spawn(c);
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 0}));
  EXPECT_TRUE(a.done() && b.done() && c.done());
}

// Acquires, records its id and `entered`, and keeps the permit until `release_now` says so.
template <TaskFlaw F>
Task acquirer(AsyncSemaphore<F>& sem, WaitNode& node, int id, std::vector<int>& entered, bool& acquired) {
  acquired = co_await sem.acquire(node);
  if (acquired) entered.push_back(id);
}

TEST(AsyncSemaphore, GrantsWaitersOldestFirst) {
  EventLoop loop(8);
  AsyncSemaphore<> sem(loop, 1);
  std::vector<int> entered;
  WaitNode nodes[4];
  bool acquired[4] = {};
  std::vector<Task> tasks;
  for (int i = 0; i < 4; ++i) {
    tasks.push_back(acquirer(sem, nodes[i], i, entered, acquired[i]));
    loop.spawn(tasks.back());
  }
  loop.run();
  EXPECT_EQ(entered, (std::vector<int>{0}));
  EXPECT_EQ(sem.waiting(), 3u);
  for (int i = 1; i < 4; ++i) {
    sem.release();
    loop.run();
  }
  EXPECT_EQ(entered, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(sem.available(), 0u);
}

TEST(AsyncSemaphore, ANewcomerDoesNotTakeAPermitGrantedToAWaiter) {
  EventLoop loop(8);
  AsyncSemaphore<> sem(loop, 1);
  std::vector<int> entered;
  WaitNode nodes[2];
  bool acquired[2] = {};
  Task first = acquirer(sem, nodes[0], 0, entered, acquired[0]);
  loop.spawn(first);
  loop.run();
  Task waiter = acquirer(sem, nodes[1], 1, entered, acquired[1]);
  loop.spawn(waiter);
  loop.run();
  sem.release();  // granted to the waiter, which has not run yet
  EXPECT_EQ(sem.available(), 0u);
  loop.run();
  EXPECT_EQ(entered, (std::vector<int>{0, 1}));
}

TEST(AsyncSemaphore, CancelledWhileQueuedLeavesTheQueueHoldingNothing) {
  EventLoop loop(8);
  AsyncSemaphore<> sem(loop, 1);
  std::vector<int> entered;
  WaitNode nodes[3];
  bool acquired[3] = {};
  std::vector<Task> tasks;
  for (int i = 0; i < 3; ++i) {
    tasks.push_back(acquirer(sem, nodes[i], i, entered, acquired[i]));
    loop.spawn(tasks.back());
  }
  loop.run();
  EXPECT_TRUE(sem.cancel(nodes[1]));
  loop.run();
  EXPECT_FALSE(acquired[1]);
  EXPECT_EQ(sem.waiting(), 1u);
  sem.release();
  loop.run();
  EXPECT_EQ(entered, (std::vector<int>{0, 2}));
  EXPECT_FALSE(sem.cancel(nodes[1]));  // nothing to cancel any more
}

// gh-90155: a waiter granted the permit and cancelled before it runs must pass the permit on.
template <TaskFlaw F>
void cancel_after_grant(std::vector<int>& entered, std::uint32_t& available) {
  EventLoop loop(8);
  AsyncSemaphore<F> sem(loop, 1);
  WaitNode nodes[3];
  bool acquired[3] = {};
  std::vector<Task> tasks;
  for (int i = 0; i < 3; ++i) {
    tasks.push_back(acquirer(sem, nodes[i], i, entered, acquired[i]));
    loop.spawn(tasks.back());
  }
  loop.run();
  sem.release();                  // granted to 1
  EXPECT_TRUE(sem.cancel(nodes[1]));  // ...which is cancelled before it runs
  loop.run();
  EXPECT_FALSE(acquired[1]);
  available = sem.available();
}

TEST(AsyncSemaphore, CancelledAfterItsGrantPassesThePermitOn) {
  std::vector<int> entered;
  std::uint32_t available = 0;
  cancel_after_grant<TaskFlaw::none>(entered, available);
  EXPECT_EQ(entered, (std::vector<int>{0, 2}));
}

TEST(AsyncSemaphore, ThePlantedFlawLosesThePermit) {
  std::vector<int> entered;
  std::uint32_t available = 0;
  cancel_after_grant<TaskFlaw::cancel_loses_permit>(entered, available);
  EXPECT_EQ(entered, (std::vector<int>{0}));  // 2 waits for ever, with no permit anywhere
  EXPECT_EQ(available, 0u);
}

Task putter(AsyncQueue& q, WaitNode& node, std::uint64_t first, int count, int& done) {
  for (int i = 0; i < count;) {
    if (co_await q.put(node, first + static_cast<std::uint64_t>(i))) ++i;
  }
  ++done;
}

Task getter(AsyncQueue& q, WaitNode& node, std::vector<std::uint64_t>& got, int& cancelled) {
  for (;;) {
    const AsyncQueue::Got g = co_await q.get(node);
    if (g == AsyncQueue::Got::closed) break;
    if (g == AsyncQueue::Got::cancelled) {
      ++cancelled;
      continue;
    }
    got.push_back(node.item);
  }
}

TEST(AsyncQueue, DeliversInOrderThroughASmallQueueAndEndsGettersOnClose) {
  EventLoop loop(8);
  AsyncQueue q(loop, 2);
  WaitNode put_node;
  WaitNode get_node;
  int done = 0;
  int cancelled = 0;
  std::vector<std::uint64_t> got;
  Task p = putter(q, put_node, 100, 50, done);
  Task g = getter(q, get_node, got, cancelled);
  loop.spawn(p);
  loop.spawn(g);
  loop.run();
  EXPECT_EQ(done, 1);
  EXPECT_EQ(got.size(), 50u);
  q.close();
  loop.run();
  EXPECT_TRUE(g.done());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], 100 + i);
}

TEST(AsyncQueue, AParkedGetterCancelledComesBackCancelledAndWaitsAgain) {
  EventLoop loop(8);
  AsyncQueue q(loop, 4);
  WaitNode node;
  int cancelled = 0;
  std::vector<std::uint64_t> got;
  Task g = getter(q, node, got, cancelled);
  loop.spawn(g);
  loop.run();
  EXPECT_EQ(q.getters_waiting(), 1u);
  EXPECT_TRUE(q.cancel(node, false));
  loop.run();
  EXPECT_EQ(cancelled, 1);
  EXPECT_EQ(q.getters_waiting(), 1u);  // it tried again
  q.close();
  loop.run();
  EXPECT_TRUE(g.done());
  EXPECT_TRUE(got.empty());
}

TEST(AsyncQueue, ACancelledGrantIsPassedToTheNextGetter) {
  EventLoop loop(8);
  AsyncQueue q(loop, 4);
  WaitNode nodes[2];
  int cancelled = 0;
  std::vector<std::uint64_t> first;
  std::vector<std::uint64_t> second;
  Task g1 = getter(q, nodes[0], first, cancelled);
  Task g2 = getter(q, nodes[1], second, cancelled);
  loop.spawn(g1);
  loop.spawn(g2);
  loop.run();
  // A put from outside any task: the item is granted to g1, which is then cancelled before it runs.
  WaitNode outside;
  auto put = q.put(outside, 42);
  ASSERT_TRUE(put.await_ready());
  EXPECT_TRUE(q.cancel(nodes[0], false));
  loop.run();
  EXPECT_TRUE(first.empty());
  EXPECT_EQ(second, (std::vector<std::uint64_t>{42}));
  EXPECT_EQ(cancelled, 1);
  q.close();
  loop.run();
}

TEST(AsyncQueue, ACancelledPutterKeepsItsItemAndFreesItsSlotForTheNext) {
  EventLoop loop(8);
  AsyncQueue q(loop, 2);
  WaitNode filler;
  ASSERT_TRUE(q.put(filler, 1).await_ready());
  ASSERT_TRUE(q.put(filler, 2).await_ready());
  WaitNode nodes[2];
  int done = 0;
  Task p1 = putter(q, nodes[0], 10, 1, done);
  Task p2 = putter(q, nodes[1], 20, 1, done);
  loop.spawn(p1);
  loop.spawn(p2);
  loop.run();  // both wait: the queue is full
  std::uint64_t item = 0;
  ASSERT_TRUE(q.try_take(item));  // frees a slot: granted to p1
  EXPECT_EQ(item, 1u);
  EXPECT_TRUE(q.cancel(nodes[0], true));  // p1 cancelled after its grant: p2 gets the slot
  loop.run();
  // p2's item went in; p1 retried and waits for room again, its item kept.
  std::vector<std::uint64_t> left;
  while (q.try_take(item)) left.push_back(item);
  loop.run();
  while (q.try_take(item)) left.push_back(item);
  EXPECT_EQ(left, (std::vector<std::uint64_t>{2, 20, 10}));
  EXPECT_EQ(done, 2);
}

}  // namespace
}  // namespace contend::tasks
