#pragma once
// monitor-queue — the textbook bounded blocking queue built as a monitor: a ring of items
// guarded by a pthread mutex, with two condition variables, not_full (producers wait on it while
// the ring is full) and not_empty (consumers wait on it while the ring is empty).
//
// Contract: the Queue and BlockingQueue contracts; capacity exact (any capacity of at least 1;
// the workloads pass powers of two). try_push() and try_pop() never wait for room or for an
// item, but they do take the mutex, so they can wait briefly behind another thread's operation.
// Destroying the queue while a thread waits in push() or pop() is undefined.
// Fairness: none. A woken waiter must retake the mutex, and a thread arriving meanwhile can take
// the room or the item first (barging); the woken waiter then waits again, so a waiter can in
// principle wait forever. Items come out in the order their pushes took the mutex: FIFO.
// Process-shared: yes, when constructed with Sharing::process_shared: the mutex and the
// condition variables are made PTHREAD_PROCESS_SHARED, the items follow the object in the same
// allocation (footprint()) and are found from `this`, and the rest are plain words, so forked
// workers can share it through a MAP_SHARED mapping. Not robust: a process that dies holding
// the mutex leaves it held.
// Memory ordering: the ring and the counts are only read and written under the mutex, so the
// unlock of a successful push happens-before the lock of the pop that takes its item, and
// everything a producer did before pushing x happens-before everything the consumer of x does
// after popping it.
//
// Algorithm:
//  1. push(x): lock; while full, wait on not_full; append x; unlock; signal not_empty if a
//     consumer waits. pop() is the mirror image. try_push/try_pop fail instead of waiting.
//  2. Each side counts its waiters under the mutex, so that a push or pop signals only when
//     someone waits: the uncontended path is a lock and an unlock, with no system call.
//  3. A waiter cannot miss a signal: it checked the ring and counted itself under the mutex
//     before waiting, and pthread_cond_wait releases the mutex atomically, so the operation
//     that changes the ring sees the count and signals after its unlock.
//  4. The signal comes after the unlock so that the woken waiter does not wake only to block on
//     a mutex that the signaller still holds. A signal that reaches a waiter who then finds the
//     ring changed again (a barger took the item) is harmless: the waiter waits again.
// Layout: the object starts on a cache line of its own, so that it shares none with its
// neighbours in a mapping, and the items follow from the next line boundary. Inside, no padding:
// every field is touched only by the mutex holder, so producers and consumers take turns with
// its lines anyway.
#include <pthread.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>

#include "primitives/cache_line.hpp"
#include "primitives/primitive.hpp"
#include "primitives/pthread_objects.hpp"

namespace contend {

class alignas(kCacheLineSize) MonitorQueue {
 public:
  static constexpr std::string_view kName = "monitor-queue";
  static constexpr std::string_view kDescription =
      "own bounded blocking queue: pthread mutex + not-full/not-empty condition variables + ring";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  static constexpr std::size_t footprint(std::uint32_t capacity) {
    return sizeof(MonitorQueue) + sizeof(std::uint64_t) * capacity;
  }

  // Must be constructed in footprint(capacity) bytes: the items follow the object.
  MonitorQueue(std::uint32_t capacity, Sharing sharing) : capacity_(capacity) {
    if (capacity == 0) throw std::invalid_argument("monitor-queue: capacity must be at least 1");
    init_pthread_mutex(mutex_, sharing);
    init_pthread_cond(not_full_, sharing);
    init_pthread_cond(not_empty_, sharing);
    for (std::uint32_t i = 0; i < capacity; ++i) new (&items()[i]) std::uint64_t{0};
  }
  ~MonitorQueue() {
    pthread_cond_destroy(&not_empty_);
    pthread_cond_destroy(&not_full_);
    pthread_mutex_destroy(&mutex_);
  }
  MonitorQueue(const MonitorQueue&) = delete;
  MonitorQueue& operator=(const MonitorQueue&) = delete;

  bool try_push(std::uint64_t item) {
    pthread_mutex_lock(&mutex_);
    if (count_ == capacity_) {
      pthread_mutex_unlock(&mutex_);
      return false;
    }
    const bool wake_consumer = append(item);
    pthread_mutex_unlock(&mutex_);
    if (wake_consumer) pthread_cond_signal(&not_empty_);
    return true;
  }

  bool try_pop(std::uint64_t& out) {
    pthread_mutex_lock(&mutex_);
    if (count_ == 0) {
      pthread_mutex_unlock(&mutex_);
      return false;
    }
    const bool wake_producer = take(out);
    pthread_mutex_unlock(&mutex_);
    if (wake_producer) pthread_cond_signal(&not_full_);
    return true;
  }

  void push(std::uint64_t item) {
    pthread_mutex_lock(&mutex_);
    // A loop, not an if: wake-ups may be spurious, and a barging producer may take the room.
    while (count_ == capacity_) {
      ++waiting_producers_;
      pthread_cond_wait(&not_full_, &mutex_);
      --waiting_producers_;
    }
    const bool wake_consumer = append(item);
    pthread_mutex_unlock(&mutex_);
    if (wake_consumer) pthread_cond_signal(&not_empty_);
  }

  std::uint64_t pop() {
    pthread_mutex_lock(&mutex_);
    while (count_ == 0) {
      ++waiting_consumers_;
      pthread_cond_wait(&not_empty_, &mutex_);
      --waiting_consumers_;
    }
    std::uint64_t item = 0;
    const bool wake_producer = take(item);
    pthread_mutex_unlock(&mutex_);
    if (wake_producer) pthread_cond_signal(&not_full_);
    return item;
  }

 private:
  // Under the mutex, with room: stores the item at the back. Returns whether a consumer waits.
  bool append(std::uint64_t item) {
    std::uint32_t back = head_ + count_;
    if (back >= capacity_) back -= capacity_;
    items()[back] = item;
    ++count_;
    return waiting_consumers_ > 0;
  }

  // Under the mutex, not empty: takes the item at the front. Returns whether a producer waits.
  bool take(std::uint64_t& out) {
    out = items()[head_];
    if (++head_ == capacity_) head_ = 0;
    --count_;
    return waiting_producers_ > 0;
  }

  std::uint64_t* items() { return std::launder(reinterpret_cast<std::uint64_t*>(this + 1)); }

  pthread_mutex_t mutex_;
  pthread_cond_t not_full_;
  pthread_cond_t not_empty_;
  const std::uint32_t capacity_;
  std::uint32_t head_ = 0;   // index of the oldest item
  std::uint32_t count_ = 0;  // items in the ring
  std::uint32_t waiting_producers_ = 0;
  std::uint32_t waiting_consumers_ = 0;
};

static_assert(sizeof(MonitorQueue) % alignof(std::uint64_t) == 0, "the items that follow are aligned");

}  // namespace contend
