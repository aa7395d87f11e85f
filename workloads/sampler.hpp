#pragma once
// Decides which operations are timed: on average 1 in N, at random gaps drawn uniformly from
// [1, 2N-1] with a per-worker seeded generator. Random gaps avoid aliasing with any periodic
// behaviour of the primitive (a ticket lock's hand-off order, say) that a fixed stride would
// sample in lock-step; the seed keeps runs reproducible. Cost when not sampling: one decrement
// and a predictable branch.
#include <cstdint>

namespace contend {

class Sampler {
 public:
  Sampler(std::uint64_t every, std::uint64_t seed) : every_(every), state_(seed | 1) {
    countdown_ = every_ > 0 ? next_gap() : UINT64_MAX;
  }

  bool should_sample() {
    if (--countdown_ != 0) return false;
    countdown_ = next_gap();
    return true;
  }

 private:
  // SplitMix64: tiny, fast, statistically fine for choosing gaps.
  std::uint64_t next_random() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t next_gap() { return every_ <= 1 ? 1 : 1 + next_random() % (2 * every_ - 1); }

  std::uint64_t every_;
  std::uint64_t state_;
  std::uint64_t countdown_;
};

// A distinct, reproducible seed per worker.
inline std::uint64_t worker_seed(std::uint64_t seed, int worker) {
  return seed * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(worker) * 0xda942042e4dd58b5ULL + 1;
}

}  // namespace contend
