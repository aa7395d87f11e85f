#pragma once
// An async counting semaphore and lock for tasks on one EventLoop (event_loop.hpp): asyncio's
// Semaphore and Lock, with the permit handed to the waiter it wakes.
//
// Contract: acquire(node) is awaited (`co_await sem.acquire(node)`) and returns true holding a
// permit, or false when another task cancelled the wait (cancel(node)) — then the caller holds
// nothing. release() returns one permit. At most `permits` holders at once. One thread only.
// Fairness: FIFO. A caller finds a permit at once only when nobody waits; otherwise it queues,
// and release() hands its permit to the oldest waiter (it is granted, made ready, and resumes in
// its turn), so no later caller can take that permit first.
// Cancellation: a waiter cancelled while queued leaves the queue; one cancelled after it was
// granted but before it resumed passes the permit on (to the next waiter, or back to the count)
// when it resumes: a cancelled waiter never keeps or loses a permit (CPython gh-90155 lost it).
// Memory ordering: one thread; nothing is shared. A crash: the whole loop goes with its thread.
//
// The template parameter plants a bug for `contend stress --self-test`
// (primitives/testing/broken_tasks.hpp); TaskFlaw::none is the real one.
#include <coroutine>
#include <cstdint>

#include "primitives/tasks/event_loop.hpp"

namespace contend::tasks {

enum class TaskFlaw {
  none,
  cancel_loses_permit,  // a waiter cancelled after its grant drops the permit
  newest_first,         // waiters are woken newest first (LIFO): the oldest can wait for ever
};

template <TaskFlaw kFlaw = TaskFlaw::none>
class AsyncSemaphore {
 public:
  AsyncSemaphore(EventLoop& loop, std::uint32_t permits) : loop_(loop), permits_(permits) {}

  auto acquire(WaitNode& node) {
    struct Awaiter {
      AsyncSemaphore& sem;
      WaitNode& node;
      bool await_ready() const noexcept {
        // A free permit is taken at once only when nobody queues for one: no barging.
        if (sem.permits_ == 0 || !sem.waiters_.empty()) return false;
        --sem.permits_;
        node.state = WaitNode::State::granted;
        return true;
      }
      void await_suspend(std::coroutine_handle<> h) const noexcept {
        node.handle = h;
        node.state = WaitNode::State::waiting;
        if constexpr (kFlaw == TaskFlaw::newest_first) {
          sem.waiters_.push_front(node);
        } else {
          sem.waiters_.push_back(node);
        }
      }
      bool await_resume() const noexcept {
        const WaitNode::State s = node.state;
        node.state = WaitNode::State::idle;
        if (s == WaitNode::State::granted) return true;
        // Cancelled after the grant: the permit is ours to pass on.
        if (s == WaitNode::State::granted_cancelled && kFlaw != TaskFlaw::cancel_loses_permit) sem.release();
        return false;
      }
    };
    return Awaiter{*this, node};
  }

  void release() {
    if (waiters_.empty()) {
      ++permits_;
      return;
    }
    WaitNode& next = waiters_.pop_front();
    next.state = WaitNode::State::granted;
    loop_.schedule(next.handle);
  }

  // Cancels `node`'s wait if it is parked here or granted and not yet resumed: true if it was.
  bool cancel(WaitNode& node) {
    if (node.state == WaitNode::State::waiting) {
      waiters_.remove(node);
      node.state = WaitNode::State::cancelled;
      loop_.schedule(node.handle);
      return true;
    }
    if (node.state == WaitNode::State::granted && node.handle) {
      node.state = WaitNode::State::granted_cancelled;  // already ready: it passes the permit on when it runs
      return true;
    }
    return false;
  }

  std::uint32_t available() const { return permits_; }
  std::size_t waiting() const { return waiters_.size(); }

 private:
  EventLoop& loop_;
  std::uint32_t permits_;
  WaitList waiters_;
};

}  // namespace contend::tasks
