#pragma once
// threads — the tasks workload's baseline: each task its own OS thread, sharing the blocking
// primitives a threaded program would use: std::mutex for the lock, std::counting_semaphore for
// the semaphore, and a bounded blocking queue (a std::mutex and two std::condition_variables
// around a ring, below) for the queue.
//
// Contract (the TaskRuntime concept, primitives/primitive.hpp): one thread per task
// (kOneThread false); a blocked wait cannot be cancelled (kCancels false: a thread blocked in
// acquire() has no cancel, so the workload refuses --cancel for this runtime); no FIFO promise
// (kFifo false).
// Fairness: none: std::mutex and std::counting_semaphore let a newcomer take what a woken waiter
// was about to; the queue's woken waiters retake its mutex and may find the item gone.
// Memory ordering: the standard library's: an unlock or release happens-before the lock or
// acquire that takes it; the queue's items are read and written under its mutex.
// Process-shared: no. A crash: the process goes with the thread.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <semaphore>
#include <string_view>
#include <vector>

#include "primitives/primitive.hpp"

namespace contend {

// A bounded blocking queue that a phase's producers close when they are done, so that consumers
// blocked on an empty queue leave. Phases are numbered: close(p) ends getters of phase p and
// earlier only, so a producer of the next phase can push at once.
class BlockingTaskQueue {
 public:
  explicit BlockingTaskQueue(std::uint32_t capacity) : ring_(capacity) {}

  void put(std::uint64_t item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return size_ < ring_.size(); });
    ring_[(head_ + size_) % ring_.size()] = item;
    ++size_;
    lock.unlock();
    not_empty_.notify_one();
  }
  // The next item, or false once phase `phase` is closed and the queue is empty.
  bool get(std::uint32_t phase, std::uint64_t& item) {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return size_ > 0 || closed_phase_ >= phase; });
    if (size_ == 0) return false;
    item = ring_[head_];
    head_ = (head_ + 1) % ring_.size();
    --size_;
    lock.unlock();
    not_full_.notify_one();
    return true;
  }
  void close(std::uint32_t phase) {
    {
      std::lock_guard lock(mutex_);
      closed_phase_ = phase;
    }
    not_empty_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::vector<std::uint64_t> ring_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  std::uint32_t closed_phase_ = 0;
};

struct ThreadTasks {
  static constexpr std::string_view kName = "threads";
  static constexpr std::string_view kDescription =
      "each task an OS thread: std::mutex, std::counting_semaphore, a mutex + condition variable queue";
  static constexpr Origin kOrigin = Origin::std_library;
  static constexpr bool kProcessShared = false;
  static constexpr bool kOneThread = false;
  static constexpr bool kCancels = false;
  static constexpr bool kFifo = false;
  // The most permits the semaphore pattern can ask for (std::counting_semaphore's template bound).
  static constexpr std::uint32_t kMaxPermits = 1024;
  using Lock = std::mutex;
  using Semaphore = std::counting_semaphore<kMaxPermits>;
  using Queue = BlockingTaskQueue;
};

}  // namespace contend
