#pragma once
// ring — our bounded MPMC ring with a sequence number per cell (Dmitry Vyukov's design).
//
// Each cell holds an item and a sequence number that says whose turn the cell is. A producer
// takes position `pos` from the enqueue counter with a CAS once the cell at pos % capacity
// says `pos` (empty and its turn), writes the item and stores pos + 1 (full). A consumer takes
// position `pos` from the dequeue counter once that cell says pos + 1, reads the item and
// stores pos + capacity (empty for the producer one lap later). A cell whose sequence is behind
// means full (producer) or empty (consumer), and the try operation fails at once.
//
// Contract: the Queue contract; capacity exact (a power of two, at least 2).
// Fairness: none promised; producers (and consumers) race for the counter with a CAS, and a
// loser retries at once. Items come out in the order their positions were taken: FIFO among
// completed pushes.
// Process-shared: yes. It keeps no pointer: the cells follow the object in the same allocation
// (footprint()), found from `this`, so the ring works wherever the mapping lands, in a forked
// process as in a thread; it uses atomics only, no futex or kernel object.
// Memory ordering: a producer's store of the cell sequence is release and the consumer's load
// of it acquire, so the item written before is read after, and everything the producer did
// before try_push happens-before everything the consumer does after try_pop. The counters are
// relaxed: they only hand out positions; the cell sequence orders the data. Likewise for the
// consumer's release of the cell back to the producer of the next lap.
// Progress: lock-free for the queue as a whole but not per operation: a producer preempted
// between taking a position and publishing its cell stalls consumers of that cell (they see
// "empty" and fail), as in every ring of this design.
// Layout: the two counters on lines of their own, and each cell on a line of its own, so that
// producers and consumers working on neighbouring positions do not false-share. That costs 64
// bytes per item of capacity; it is the layout that measures best when cores contend.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>

#include "primitives/cache_line.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class alignas(kCacheLineSize) MpmcRing {
 public:
  static constexpr std::string_view kName = "ring";
  static constexpr std::string_view kDescription =
      "own bounded MPMC ring, a sequence number per cell (Vyukov); position-independent";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  static constexpr std::size_t footprint(std::uint32_t capacity) {
    return sizeof(MpmcRing) + sizeof(Cell) * capacity;
  }

  // Must be constructed in footprint(capacity) bytes: the cells follow the object.
  explicit MpmcRing(std::uint32_t capacity) : mask_(capacity - 1) {
    if (capacity < 2 || (capacity & (capacity - 1)) != 0) {
      throw std::invalid_argument("ring: capacity must be a power of two, at least 2");
    }
    for (std::uint32_t i = 0; i < capacity; ++i) new (&cells()[i]) Cell(i);
  }
  ~MpmcRing() {
    for (std::uint64_t i = 0; i <= mask_; ++i) cells()[i].~Cell();
  }
  MpmcRing(const MpmcRing&) = delete;
  MpmcRing& operator=(const MpmcRing&) = delete;

  bool try_push(std::uint64_t item) {
    std::uint64_t pos = enqueue_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells()[pos & mask_];
      const std::uint64_t seq = cell.sequence.load(std::memory_order_acquire);
      const auto lag = static_cast<std::int64_t>(seq - pos);
      if (lag == 0) {
        // The cell is free for this lap: take the position (on failure, pos is reloaded).
        if (enqueue_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          cell.item = item;
          cell.sequence.store(pos + 1, std::memory_order_release);
          return true;
        }
      } else if (lag < 0) {
        return false;  // the consumer of the previous lap has not freed it: full
      } else {
        pos = enqueue_.load(std::memory_order_relaxed);  // another producer took it
      }
    }
  }

  bool try_pop(std::uint64_t& out) {
    std::uint64_t pos = dequeue_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells()[pos & mask_];
      const std::uint64_t seq = cell.sequence.load(std::memory_order_acquire);
      const auto lag = static_cast<std::int64_t>(seq - (pos + 1));
      if (lag == 0) {
        if (dequeue_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          out = cell.item;
          // Free for the producer one lap later.
          cell.sequence.store(pos + mask_ + 1, std::memory_order_release);
          return true;
        }
      } else if (lag < 0) {
        return false;  // not yet published for this lap: empty
      } else {
        pos = dequeue_.load(std::memory_order_relaxed);  // another consumer took it
      }
    }
  }

 private:
  struct alignas(kCacheLineSize) Cell {
    explicit Cell(std::uint64_t initial) : sequence(initial) {}
    std::atomic<std::uint64_t> sequence;
    std::uint64_t item = 0;
  };

  Cell* cells() { return std::launder(reinterpret_cast<Cell*>(this + 1)); }

  const std::uint64_t mask_;
  alignas(kCacheLineSize) std::atomic<std::uint64_t> enqueue_{0};
  alignas(kCacheLineSize) std::atomic<std::uint64_t> dequeue_{0};
};

static_assert(sizeof(MpmcRing) % kCacheLineSize == 0, "the cells that follow stay line-aligned");

}  // namespace contend
