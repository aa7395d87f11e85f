#pragma once
// ring-pair — a handoff over two of our MPMC rings (primitives/queues/mpmc_ring.hpp), one per
// receiving end: send(to, m) pushes m into the ring of `to`, receive(at) pops from the ring of
// `at`. It is the queue pingpong atomic_queue's benchmarks measure: the round trip through a
// queue, which the bare spin-flag bounds from below (one line each way) and a pipe from above.
//
// Contract: the Handoff contract. Waits by spinning with `pause` on try_push/try_pop, as
// spin-flag does, so it collapses the same way when workers outnumber cores.
// Fairness: nothing to share; the two ends strictly alternate.
// Process-shared: yes — the rings keep no pointers and their cells sit inside this object.
// Memory ordering: the ring's: everything before a successful try_push happens-before
// everything after the try_pop that returns the item, which is the Handoff contract.
// Cost: per handoff, the cell's line and the ring's two counters move between the cores (a
// ring of capacity 2, so the same cells are reused every other trip).
#include <cstddef>
#include <cstdint>
#include <new>

#include "primitives/cache_line.hpp"
#include "primitives/cpu_relax.hpp"
#include "primitives/primitive.hpp"
#include "primitives/queues/mpmc_ring.hpp"

namespace contend {

class alignas(kCacheLineSize) RingPairHandoff {
 public:
  static constexpr std::string_view kName = "ring-pair";
  static constexpr std::string_view kDescription = "two of our MPMC rings, one per direction; spins on empty";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  RingPairHandoff() {
    for (auto& storage : rings_) new (storage.bytes) MpmcRing(kCapacity);
  }
  ~RingPairHandoff() {
    for (int end = 0; end < 2; ++end) ring(end).~MpmcRing();
  }
  RingPairHandoff(const RingPairHandoff&) = delete;
  RingPairHandoff& operator=(const RingPairHandoff&) = delete;

  void send(Peer to, std::uint32_t message) {
    // The top bit keeps the item non-zero, as the Queue contract asks.
    const std::uint64_t item = kNonZero | message;
    while (!ring(static_cast<int>(to)).try_push(item)) cpu_relax();
  }

  std::uint32_t receive(Peer at) {
    std::uint64_t item;
    while (!ring(static_cast<int>(at)).try_pop(item)) cpu_relax();
    return static_cast<std::uint32_t>(item);
  }

 private:
  // At most one message is in flight; two cells leave the ring never full.
  static constexpr std::uint32_t kCapacity = 2;
  static constexpr std::uint64_t kNonZero = 1ULL << 32;

  struct Storage {
    alignas(MpmcRing) std::byte bytes[MpmcRing::footprint(kCapacity)];
  };

  MpmcRing& ring(int end) { return *std::launder(reinterpret_cast<MpmcRing*>(rings_[end].bytes)); }

  Storage rings_[2];
};

}  // namespace contend
