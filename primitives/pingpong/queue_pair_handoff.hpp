#pragma once
// QUEUE-pair — a handoff over two queues of one kind, one per receiving end: send(to, m) pushes
// m into the queue of `to`, receive(at) pops from the queue of `at`. It is the queue ping-pong
// that atomic_queue's benchmarks measure: the round trip through a queue, which the bare
// spin-flag bounds from below (one line each way) and a pipe from above. One type per queue in
// the catalogue's BuiltinHandoffs: ring-pair, moodycamel-pair, ...
//
// Contract: the Handoff contract. Waits by spinning with `pause` on try_push/try_pop, as
// spin-flag does and atomic_queue's benchmark does, so it collapses the same way when workers
// outnumber cores. The queues are built for 2 items (some kinds hold more; at most one message
// is ever in flight, so it never matters).
// Fairness: nothing to share; the two ends strictly alternate.
// Process-shared: as its queue kind (our ring, spsc-ring and monitor-queue: yes; the peer
// libraries' queues keep heap pointers: no). The queues sit inside this object.
// Memory ordering: the queue's: everything before a successful try_push happens-before
// everything after the try_pop that returns the item, which is the Handoff contract.
// Cost: per handoff, whatever one push and one pop of the queue move between the cores.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <new>
#include <string_view>

#include "primitives/cache_line.hpp"
#include "primitives/cpu_relax.hpp"
#include "primitives/primitive.hpp"

namespace contend {

namespace detail {

// `a` followed by `b` as a constant: the names and descriptions of the queue pairs.
template <const std::string_view& A, const std::string_view& B>
struct JoinedName {
  static constexpr auto chars = [] {
    std::array<char, A.size() + B.size()> out{};
    std::copy(A.begin(), A.end(), out.begin());
    std::copy(B.begin(), B.end(), out.begin() + static_cast<std::ptrdiff_t>(A.size()));
    return out;
  }();
  static constexpr std::string_view value{chars.data(), chars.size()};
};

inline constexpr std::string_view kPairSuffix = "-pair";
inline constexpr std::string_view kPairDescription = "two queues, one per direction, spinning on empty: ";

}  // namespace detail

template <Queue Q>
class alignas(std::max(kCacheLineSize, alignof(Q))) QueuePairHandoff {
 public:
  static constexpr std::string_view kName = detail::JoinedName<Q::kName, detail::kPairSuffix>::value;
  static constexpr std::string_view kDescription =
      detail::JoinedName<detail::kPairDescription, Q::kName>::value;
  static constexpr Origin kOrigin = Q::kOrigin;
  static constexpr bool kProcessShared = Q::kProcessShared;

  explicit QueuePairHandoff(Sharing sharing) {
    construct_queue<Q>(queues_[0].bytes, kCapacity, sharing);
    try {
      construct_queue<Q>(queues_[1].bytes, kCapacity, sharing);
    } catch (...) {
      queue(0).~Q();
      throw;
    }
  }
  ~QueuePairHandoff() {
    for (int end = 0; end < 2; ++end) queue(end).~Q();
  }
  QueuePairHandoff(const QueuePairHandoff&) = delete;
  QueuePairHandoff& operator=(const QueuePairHandoff&) = delete;

  void send(Peer to, std::uint32_t message) {
    // The top bit keeps the item non-zero, as the Queue contract asks.
    const std::uint64_t item = kNonZero | message;
    while (!queue(static_cast<int>(to)).try_push(item)) cpu_relax();
  }

  std::uint32_t receive(Peer at) {
    std::uint64_t item = 0;
    while (!queue(static_cast<int>(at)).try_pop(item)) cpu_relax();
    return static_cast<std::uint32_t>(item);
  }

 private:
  static constexpr std::uint32_t kCapacity = 2;
  static constexpr std::uint64_t kNonZero = 1ULL << 32;

  struct Storage {
    alignas(Q) std::byte bytes[queue_footprint<Q>(kCapacity)];
  };

  Q& queue(int end) { return *std::launder(reinterpret_cast<Q*>(queues_[end].bytes)); }

  Storage queues_[2];
};

}  // namespace contend
