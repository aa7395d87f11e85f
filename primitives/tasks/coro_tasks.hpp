#pragma once
// coro — tasks as C++20 coroutines on one thread, asyncio's model: an event loop
// (event_loop.hpp) and its async semaphore, lock and bounded queue (async_semaphore.hpp,
// async_queue.hpp). The tasks workload (workloads/tasks_workload.hpp) runs all of -w's tasks on
// one thread with these.
//
// Contract (the TaskRuntime concept, primitives/primitive.hpp): one thread runs every task
// (kOneThread); a wait can be cancelled by another task (kCancels) and cancellation loses no permit
// and no item; waiters are served oldest first (kFifo). The lock is the semaphore with one permit,
// as asyncio.Lock behaves like Semaphore(1).
// Fairness: FIFO on every primitive. Memory ordering: one thread, program order.
// Process-shared: no (coroutine frames are the thread's own). A crash: the loop dies with its
// thread, as an asyncio program does.
#include <string_view>

#include "primitives/primitive.hpp"
#include "primitives/tasks/async_queue.hpp"
#include "primitives/tasks/async_semaphore.hpp"
#include "primitives/tasks/event_loop.hpp"

namespace contend {

template <tasks::TaskFlaw kFlaw>
struct BasicCoroTasks {
  static constexpr bool kOneThread = true;
  static constexpr bool kCancels = true;
  static constexpr bool kFifo = kFlaw != tasks::TaskFlaw::newest_first;
  using Semaphore = tasks::AsyncSemaphore<kFlaw>;
  using Queue = tasks::AsyncQueue;
};

struct CoroTasks : BasicCoroTasks<tasks::TaskFlaw::none> {
  static constexpr std::string_view kName = "coro";
  static constexpr std::string_view kDescription =
      "own C++20 coroutines on one thread: FIFO async lock, semaphore and bounded queue, cancellable";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = false;
};

}  // namespace contend
