#include "workloads/shared_arena.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <stdexcept>

namespace contend {

SharedArena::SharedArena(std::size_t bytes) : size_(bytes) {
  base_ = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base_ == MAP_FAILED) {
    base_ = nullptr;
    throw std::bad_alloc();
  }
}

SharedArena::~SharedArena() {
  if (base_ != nullptr) munmap(base_, size_);
}

void* SharedArena::allocate(std::size_t bytes, std::size_t align) {
  const std::size_t start = (used_ + align - 1) / align * align;
  if (start + bytes > size_) throw std::bad_alloc();
  used_ = start + bytes;
  return static_cast<char*>(base_) + start;
}

}  // namespace contend
