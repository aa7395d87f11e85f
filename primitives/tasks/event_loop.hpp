#pragma once
// An event loop for C++20 coroutines on one thread, asyncio's shape without its I/O: tasks that
// run until they suspend, a FIFO ready queue, and the wait lists of the async lock, semaphore and
// queue (async_semaphore.hpp, async_queue.hpp) that park a task until another one wakes it.
//
// Contract: everything here is used from one thread; nothing is atomic and nothing may be
// touched from another thread. A Task is a coroutine that starts suspended; spawn() makes it
// ready, run() resumes ready tasks in FIFO order until none is ready. A task suspends only at a
// co_await on yield() or on a primitive's operation; a task that finishes stays suspended at its
// final point until its Task object destroys it. run() returns when no task is ready: every task
// is done, or the rest wait on a primitive that nobody is left to wake (the caller can tell:
// stranded()). Destroying a Task that is suspended in a wait list is undefined unless its wait
// was first removed (cancel(), or the primitive is no longer used).
// Fairness: FIFO. A ready task runs before any task made ready after it; yield() puts the caller
// at the back.
// Memory ordering: one thread: program order. Nothing is process-shared.
// Allocation: a Task's frame is allocated when it is created; the ready queue's ring is sized
// once (capacity()). Suspending, waking and resuming allocate nothing.
//
// Cancellation (WaitNode): a task waiting on a primitive can be cancelled by another task, as
// asyncio's Task.cancel(): the primitive's cancel(node) takes it out of the wait list and makes
// it ready, and its co_await returns "cancelled". A task already granted what it waited for (a
// permit, a slot, an item's turn) but not yet resumed is cancelled too; then what it was granted
// must be passed on (CPython gh-90155 is a semaphore that lost it). The primitives do that in
// their await_resume, where the granted-then-cancelled state is seen.
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <utility>
#include <vector>

namespace contend::tasks {

class EventLoop;

// A coroutine the loop runs. Created suspended; owns its frame.
class Task {
 public:
  struct promise_type {
    Task get_return_object() { return Task(std::coroutine_handle<promise_type>::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    // Stays suspended when done, so that the owner can see done() and destroy the frame.
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() {}
    // A task's body does not throw (the workloads' jobs report failures as checks): a throw is a bug.
    void unhandled_exception() { std::terminate(); }
  };

  Task() = default;
  explicit Task(std::coroutine_handle<promise_type> h) : handle_(h) {}
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { destroy(); }

  bool done() const { return !handle_ || handle_.done(); }
  std::coroutine_handle<> handle() const { return handle_; }

 private:
  void destroy() {
    if (handle_) handle_.destroy();
    handle_ = {};
  }
  std::coroutine_handle<promise_type> handle_{};
};

// Where a task waits on a primitive. One per task (a task waits on one thing at a time), owned by
// the caller and passed to the primitive's operation, so that another task can cancel that wait.
struct WaitNode {
  enum class State : std::uint8_t {
    idle,               // not waiting: before an operation, or after it returned
    waiting,            // in a wait list
    granted,            // taken off the list with what it waited for; ready, not yet resumed
    cancelled,          // taken off the list by cancel(): resumes with "cancelled"
    granted_cancelled,  // cancelled after the grant: must pass what it was granted on
    closed,             // a queue's getter woken by close() with nothing left: resumes with "closed"
  };
  std::coroutine_handle<> handle{};
  WaitNode* prev = nullptr;
  WaitNode* next = nullptr;
  State state = State::idle;
  std::uint64_t item = 0;  // a queue's item: the one a putter offers, or the one a getter got

  // True while another task may cancel this wait (it is parked, or granted and not yet resumed).
  bool cancellable() const { return state == State::waiting || state == State::granted; }
};

// An intrusive FIFO list of waiters (doubly linked, so that a cancelled waiter leaves from anywhere).
class WaitList {
 public:
  bool empty() const { return head_ == nullptr; }
  std::size_t size() const { return size_; }
  void push_back(WaitNode& n) {
    n.prev = tail_;
    n.next = nullptr;
    (tail_ != nullptr ? tail_->next : head_) = &n;
    tail_ = &n;
    ++size_;
  }
  // Newest first: only a planted bug waits this way (primitives/testing/broken_tasks.hpp).
  void push_front(WaitNode& n) {
    n.prev = nullptr;
    n.next = head_;
    (head_ != nullptr ? head_->prev : tail_) = &n;
    head_ = &n;
    ++size_;
  }
  WaitNode& pop_front() {
    WaitNode& n = *head_;
    remove(n);
    return n;
  }
  void remove(WaitNode& n) {
    (n.prev != nullptr ? n.prev->next : head_) = n.next;
    (n.next != nullptr ? n.next->prev : tail_) = n.prev;
    n.prev = n.next = nullptr;
    --size_;
  }

 private:
  WaitNode* head_ = nullptr;
  WaitNode* tail_ = nullptr;
  std::size_t size_ = 0;
};

class EventLoop {
 public:
  // `capacity`: the most tasks alive at once (each is in the ready queue at most once).
  explicit EventLoop(std::size_t capacity) : ring_(round_up(capacity)), mask_(ring_.size() - 1) {}

  std::size_t capacity() const { return ring_.size(); }

  void spawn(const Task& t) { schedule(t.handle()); }

  // Makes a suspended coroutine ready (a primitive waking a waiter).
  void schedule(std::coroutine_handle<> h) { ring_[tail_++ & mask_] = h; }

  // Resumes ready tasks, in FIFO order, until none is ready.
  void run() {
    while (head_ != tail_) ring_[head_++ & mask_].resume();
  }

  std::size_t ready() const { return static_cast<std::size_t>(tail_ - head_); }

  // co_await loop.yield(): back of the ready queue, so every task ready now runs first.
  auto yield() {
    struct Awaiter {
      EventLoop& loop;
      bool await_ready() const noexcept { return false; }
      void await_suspend(std::coroutine_handle<> h) const noexcept { loop.schedule(h); }
      void await_resume() const noexcept {}
    };
    return Awaiter{*this};
  }

 private:
  static std::size_t round_up(std::size_t n) {
    std::size_t c = 2;
    while (c < n + 1) c *= 2;
    return c;
  }

  std::vector<std::coroutine_handle<>> ring_;
  std::size_t mask_;
  std::size_t head_ = 0;
  std::size_t tail_ = 0;
};

}  // namespace contend::tasks
