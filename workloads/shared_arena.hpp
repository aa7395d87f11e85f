#pragma once
// An anonymous MAP_SHARED mapping with a bump allocator.
//
// Every repetition gets one, made by the supervisor before it forks the repetition's child, so
// the control block, the per-worker result slots, the shared data and the primitive itself are
// visible to the supervisor, the child and (in process mode) every forked worker at the same
// address. An anonymous mapping has no name, so nothing can be left behind in /dev/shm, and the
// kernel frees it when the last process unmaps it — even one killed by SIGKILL. Pages are
// reserved only when first touched (MAP_NORESERVE): the queue workload sizes its delivery
// bitmaps for the fastest queue imaginable and uses a small part of them.
#include <cstddef>
#include <new>
#include <utility>

namespace contend {

class SharedArena {
 public:
  explicit SharedArena(std::size_t bytes);
  ~SharedArena();
  SharedArena(const SharedArena&) = delete;
  SharedArena& operator=(const SharedArena&) = delete;

  // Raw, zero-filled storage; throws std::bad_alloc when the arena is full.
  void* allocate(std::size_t bytes, std::size_t align);

  template <class T, class... Args>
  T* make(Args&&... args) {
    return new (allocate(sizeof(T), alignof(T))) T(std::forward<Args>(args)...);
  }

  // `count` value-initialized Ts in a row.
  template <class T>
  T* make_array(std::size_t count) {
    auto* items = static_cast<T*>(allocate(sizeof(T) * count, alignof(T)));
    for (std::size_t i = 0; i < count; ++i) new (&items[i]) T();
    return items;
  }

  std::size_t used() const { return used_; }

 private:
  void* base_ = nullptr;
  std::size_t size_ = 0;
  std::size_t used_ = 0;
};

}  // namespace contend
