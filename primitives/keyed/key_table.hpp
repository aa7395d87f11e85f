#pragma once
// A fixed-size hash table from 32-bit keys to 32-bit values that lives in shared memory (no
// pointers, no allocation): open addressing with linear probing, and deletion by backward shift
// (Knuth's algorithm R), so that a key that falls idle is removed and the table really returns
// to empty — what "created on demand and removed when idle" means for a keyed limiter.
// Not synchronized: the limiter that owns it calls it under its own lock.
#include <bit>
#include <cstdint>

namespace contend {

template <std::uint32_t Capacity>
class KeyTable {
  static_assert(Capacity >= 2 && (Capacity & (Capacity - 1)) == 0, "a power of two");

 public:
  // The value of `key`, inserted as 0 when absent; nullptr when the table is full.
  std::uint32_t* find_or_insert(std::uint32_t key) {
    for (std::uint32_t i = home(key), n = 0; n < Capacity; i = (i + 1) & kMask, ++n) {
      if (slots_[i].key == key + 1) return &slots_[i].value;
      if (slots_[i].key == 0) {
        slots_[i] = {key + 1, 0};
        ++size_;
        return &slots_[i].value;
      }
    }
    return nullptr;
  }

  std::uint32_t* find(std::uint32_t key) {
    for (std::uint32_t i = home(key), n = 0; n < Capacity; i = (i + 1) & kMask, ++n) {
      if (slots_[i].key == key + 1) return &slots_[i].value;
      if (slots_[i].key == 0) return nullptr;
    }
    return nullptr;
  }

  // Removes `key` (if present), moving later entries of its probe run back into the hole so
  // that every remaining key is still found from its home slot.
  void erase(std::uint32_t key) {
    std::uint32_t hole = home(key);
    for (std::uint32_t n = 0;; hole = (hole + 1) & kMask, ++n) {
      if (n == Capacity || slots_[hole].key == 0) return;
      if (slots_[hole].key == key + 1) break;
    }
    slots_[hole] = {};
    --size_;
    for (std::uint32_t j = (hole + 1) & kMask; slots_[j].key != 0; j = (j + 1) & kMask) {
      const std::uint32_t h = home(slots_[j].key - 1);
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const bool home_between = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
      if (home_between) continue;
      slots_[hole] = slots_[j];
      slots_[j] = {};
      hole = j;
    }
  }

  std::uint32_t size() const { return size_; }

 private:
  static constexpr std::uint32_t kMask = Capacity - 1;
  // Fibonacci hashing: the top bits of the product.
  static std::uint32_t home(std::uint32_t key) { return (key * 0x9E3779B1u) >> (32 - std::countr_zero(Capacity)); }

  struct Slot {
    std::uint32_t key = 0;  // key + 1; 0: empty
    std::uint32_t value = 0;
  };
  Slot slots_[Capacity] = {};
  std::uint32_t size_ = 0;
};

}  // namespace contend
