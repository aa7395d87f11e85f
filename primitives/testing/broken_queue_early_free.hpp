#pragma once
// broken-queue-early-free — a planted bug two instructions wide: the own Vyukov ring
// (primitives/queues/mpmc_ring.hpp) whose try_pop frees the cell for the next lap *before* it
// copies the item out. A producer a lap ahead may overwrite the cell in between, so the consumer
// returns the newer item: one item lost, one delivered twice. The window is the time between a
// store and a load, so a run without preemption inside the call almost never hits it; `--perturb`
// interrupts workers inside their calls (workloads/preemption.hpp) and holds the window open.
// Caught by "no item lost" and "no item duplicated" under --perturb at capacity 2.
// Contract: otherwise the Queue contract, capacity exact (a power of two, at least 2).
// Process-shared: yes (position independent, atomic words only). Fairness: none.
// Memory ordering: the ring's (release on publishing a cell, acquire on reading its sequence);
// the item itself is a relaxed atomic, so the bug is a logic race, not undefined behaviour.
#include <atomic>
#include <cstdint>
#include <new>
#include <stdexcept>

#include "primitives/cache_line.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class alignas(kCacheLineSize) BrokenQueueEarlyFree {
 public:
  static constexpr std::string_view kName = "broken-queue-early-free";
  static constexpr std::string_view kDescription =
      "planted bug: a ring whose try_pop frees the cell before it copies the item out";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  static constexpr std::size_t footprint(std::uint32_t capacity) { return sizeof(BrokenQueueEarlyFree) + sizeof(Cell) * capacity; }

  explicit BrokenQueueEarlyFree(std::uint32_t capacity) : mask_(capacity - 1) {
    if (capacity < 2 || (capacity & (capacity - 1)) != 0) {
      throw std::invalid_argument("broken-queue-early-free: capacity must be a power of two, at least 2");
    }
    for (std::uint32_t i = 0; i < capacity; ++i) new (&cells()[i]) Cell(i);
  }
  ~BrokenQueueEarlyFree() {
    for (std::uint64_t i = 0; i <= mask_; ++i) cells()[i].~Cell();
  }
  BrokenQueueEarlyFree(const BrokenQueueEarlyFree&) = delete;
  BrokenQueueEarlyFree& operator=(const BrokenQueueEarlyFree&) = delete;

  bool try_push(std::uint64_t item) {
    std::uint64_t pos = enqueue_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells()[pos & mask_];
      const auto lag = static_cast<std::int64_t>(cell.sequence.load(std::memory_order_acquire) - pos);
      if (lag == 0) {
        if (enqueue_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          cell.item.store(item, std::memory_order_relaxed);
          cell.sequence.store(pos + 1, std::memory_order_release);
          return true;
        }
      } else if (lag < 0) {
        return false;
      } else {
        pos = enqueue_.load(std::memory_order_relaxed);
      }
    }
  }

  bool try_pop(std::uint64_t& out) {
    std::uint64_t pos = dequeue_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells()[pos & mask_];
      const auto lag = static_cast<std::int64_t>(cell.sequence.load(std::memory_order_acquire) - (pos + 1));
      if (lag == 0) {
        if (dequeue_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          // The bug: the cell is handed to the next lap's producer first, and read after.
          cell.sequence.store(pos + mask_ + 1, std::memory_order_release);
          out = cell.item.load(std::memory_order_relaxed);
          return true;
        }
      } else if (lag < 0) {
        return false;
      } else {
        pos = dequeue_.load(std::memory_order_relaxed);
      }
    }
  }

 private:
  struct alignas(kCacheLineSize) Cell {
    explicit Cell(std::uint64_t initial) : sequence(initial) {}
    std::atomic<std::uint64_t> sequence;
    std::atomic<std::uint64_t> item{0};
  };

  Cell* cells() { return std::launder(reinterpret_cast<Cell*>(this + 1)); }

  const std::uint64_t mask_;
  alignas(kCacheLineSize) std::atomic<std::uint64_t> enqueue_{0};
  alignas(kCacheLineSize) std::atomic<std::uint64_t> dequeue_{0};
};

}  // namespace contend
