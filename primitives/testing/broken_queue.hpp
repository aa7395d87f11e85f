#pragma once
// broken-queue, broken-queue-order, broken-queue-invent — planted bugs: a mutex-guarded ring
// that misdelivers on a fixed schedule. broken-queue:
//  - Every 1000th successful try_pop returns the front item without removing it, so the next
//    try_pop returns it again: one item delivered twice (a consumer that reads a cell before
//    the dequeue index moves on).
//  - Every 1500th try_push returns true without storing the item: one item lost (a producer
//    whose write is overwritten before it is published).
//
// broken-queue-order: every 1000th successful try_pop takes the newest item instead of the
// oldest (so a consumer sees some producer's items out of order; nothing lost or repeated).
// broken-queue-invent: every 500th successful try_pop returns, without removing anything, an
// item no producer pushed (the front item with bit 46 flipped, a sequence number far beyond
// any pushed).
//
// They exist to prove that the queue workload's exactly-once check (every item delivered once,
// in each producer's order) can fail. Counted under the mutex, so the number of duplicates and
// losses is exact for a given number of operations, whatever the interleaving. It never blocks
// beyond the mutex, never hangs and never crashes: it only misdelivers. Hidden from `list`
// unless --show-broken.
// Contract: otherwise the Queue contract; capacity exact (any capacity of at least 1).
// Fairness: none (a pthread mutex). Process-shared: yes, when constructed with
// Sharing::process_shared (a PTHREAD_PROCESS_SHARED mutex; the items follow the object,
// footprint()). Memory ordering: as monitor-queue, everything under the mutex.
#include <pthread.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>

#include "primitives/cache_line.hpp"
#include "primitives/primitive.hpp"
#include "primitives/pthread_objects.hpp"

namespace contend {

enum class QueueBug { misdeliver, reorder, invent };

template <QueueBug kBug>
class alignas(kCacheLineSize) BrokenQueueOf {
 public:
  static constexpr std::string_view kName = kBug == QueueBug::misdeliver ? "broken-queue"
                                            : kBug == QueueBug::reorder  ? "broken-queue-order"
                                                                         : "broken-queue-invent";
  static constexpr std::string_view kDescription =
      kBug == QueueBug::misdeliver ? "planted bug: every 1000th pop delivers its item twice, every 1500th push loses its item"
      : kBug == QueueBug::reorder  ? "planted bug: every 1000th pop takes the newest item, not the oldest"
                                   : "planted bug: every 500th pop returns an item nobody pushed";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;
  static constexpr std::uint64_t kDuplicateEveryNthPop = 1000;
  static constexpr std::uint64_t kDropEveryNthPush = 1500;

  static constexpr std::uint64_t kReorderEveryNthPop = 1000;
  static constexpr std::uint64_t kInventEveryNthPop = 500;

  static constexpr std::size_t footprint(std::uint32_t capacity) {
    return sizeof(BrokenQueueOf) + sizeof(std::uint64_t) * capacity;
  }

  // Must be constructed in footprint(capacity) bytes: the items follow the object.
  BrokenQueueOf(std::uint32_t capacity, Sharing sharing) : capacity_(capacity) {
    if (capacity == 0) throw std::invalid_argument("broken-queue: capacity must be at least 1");
    init_pthread_mutex(mutex_, sharing);
    for (std::uint32_t i = 0; i < capacity; ++i) new (&items()[i]) std::uint64_t{0};
  }
  ~BrokenQueueOf() { pthread_mutex_destroy(&mutex_); }
  BrokenQueueOf(const BrokenQueueOf&) = delete;
  BrokenQueueOf& operator=(const BrokenQueueOf&) = delete;

  bool try_push(std::uint64_t item) {
    pthread_mutex_lock(&mutex_);
    const bool room = count_ < capacity_;
    const bool drop = room && kBug == QueueBug::misdeliver && ++pushes_ % kDropEveryNthPush == 0;
    if (room && !drop) {
      std::uint32_t back = head_ + count_;
      if (back >= capacity_) back -= capacity_;
      items()[back] = item;
      ++count_;
    }
    pthread_mutex_unlock(&mutex_);
    return room;  // true also for the item it dropped: the bug
  }

  bool try_pop(std::uint64_t& out) {
    pthread_mutex_lock(&mutex_);
    const bool any = count_ > 0;
    if (any) {
      ++pops_;
      if (kBug == QueueBug::invent && pops_ % kInventEveryNthPop == 0) {
        out = items()[head_] ^ (std::uint64_t{1} << 46);  // the bug: made up, nothing removed
      } else if (kBug == QueueBug::reorder && pops_ % kReorderEveryNthPop == 0) {
        std::uint32_t back = head_ + count_ - 1;  // the bug: the newest item, not the oldest
        if (back >= capacity_) back -= capacity_;
        out = items()[back];
        --count_;
      } else {
        out = items()[head_];
        if (kBug != QueueBug::misdeliver || pops_ % kDuplicateEveryNthPop != 0) {
          if (++head_ == capacity_) head_ = 0;
          --count_;
        }  // else: the bug, the item stays at the front and is delivered again
      }
    }
    pthread_mutex_unlock(&mutex_);
    return any;
  }

 private:
  std::uint64_t* items() { return std::launder(reinterpret_cast<std::uint64_t*>(this + 1)); }

  pthread_mutex_t mutex_;
  const std::uint32_t capacity_;
  std::uint32_t head_ = 0;
  std::uint32_t count_ = 0;
  std::uint64_t pushes_ = 0;  // successful pushes, the dropped ones included
  std::uint64_t pops_ = 0;    // successful pops, the repeated ones included
};

using BrokenQueue = BrokenQueueOf<QueueBug::misdeliver>;
using BrokenQueueOrder = BrokenQueueOf<QueueBug::reorder>;
using BrokenQueueInvent = BrokenQueueOf<QueueBug::invent>;

}  // namespace contend
