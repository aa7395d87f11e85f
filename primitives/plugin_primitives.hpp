#pragma once
// plugin-lock, plugin-semaphore, plugin-queue, plugin-rwlock, plugin-handoff — adapters that run a user's plugin primitive
// (primitives/include/contend/plugin.h, loaded by plugin_loader.hpp) through the same workload
// templates as the built-in ones: each satisfies its family's concept by calling the plugin's
// functions through pointers.
//
// Contract: whatever the plugin's own contract is; the adapter adds none. try_lock() and
// try_acquire() may be called only when try_lock_supported() / try_acquire_supported() say so
// (supports_try_lock() and supports_try_acquire() in primitive.hpp ask them): a plugin may leave
// them out, and the hot path does not check.
// Fairness: the plugin's.
// Process-shared: kProcessShared is true so that the workloads may place an adapter in a shared
// mapping; whether the plugin's primitive may be run across processes is its ops'
// process_shared, which the registry reads. The adapter itself holds two pointers that fork()
// keeps valid (the plugin's table and its instance, both at the same address in every process).
// Memory ordering: the plugin's; the adapter only forwards calls.
//
// Which primitive: the function tables are not types, so one adapter type serves every plugin
// primitive of its family. use(ops) sets the process-wide "current" table; the constructor copies
// it into the object, so the hot path is a load of the object's ops_ and an indirect call, and a
// later use() does not change an object already built. A repetition child runs exactly one
// configuration, so the registry's body calls use() once there, before the workload asks for
// footprint() and constructs; `contend micro`, which runs every case in one process, calls it
// right before constructing each case's primitive. use() is not synchronized: call it before
// the threads that construct or size an adapter start, or on the thread that does.
//
// Storage: the plugin's instance lives right after the adapter, aligned to its ops' align, so an
// adapter must be constructed in place in footprint() bytes (PluginQueue: footprint(capacity))
// aligned to alignof(adapter) — what make_primitive, make_semaphore and construct_queue do through
// primitive_footprint() and queue_footprint(). The constructor zero-fills the instance before
// init(), as plugin.h promises, whatever memory it was given.
//
// Layout: the adapter takes a whole cache line for its two read-only pointers, so the plugin's
// words, which the workers write, start on a line of their own and writing them never evicts the
// pointers every call reads. Each plugin instance pays those 64 bytes.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "primitives/cache_line.hpp"
#include "primitives/include/contend/plugin.h"
#include "primitives/primitive.hpp"

namespace contend {

namespace plugin_detail {

// Bytes of an adapter of `adapter_size` bytes, aligned to `adapter_align`, followed by an
// instance of `size` bytes aligned to `align`: the adapter's end is aligned to adapter_align, so
// reaching `align` takes at most align - adapter_align bytes of padding.
constexpr std::size_t footprint(std::size_t adapter_size, std::size_t adapter_align, std::size_t size,
                                std::size_t align) {
  return adapter_size + (align > adapter_align ? align - adapter_align : 0) + size;
}

// The first address at or after `adapter_end` aligned to `align` (a power of two).
inline void* instance_at(void* adapter_end, std::size_t align) {
  const auto address = reinterpret_cast<std::uintptr_t>(adapter_end);
  return reinterpret_cast<void*>((address + align - 1) & ~(std::uintptr_t{align} - 1));
}

template <class Ops>
const Ops& current(const Ops* ops, std::string_view adapter) {
  if (ops == nullptr) throw std::logic_error(std::string(adapter) + ": use() was not called before it was sized or built");
  return *ops;
}

inline void check_init(int rc, std::string_view kind, const char* name) {
  if (rc != 0) {
    throw std::runtime_error("plugin " + std::string(kind) + " '" + name + "': init returned " + std::to_string(rc));
  }
}

// What every adapter shares: the table it was built with and its plugin's instance, which starts
// on the first `align` boundary after the adapter's one cache line (every adapter is exactly one
// line: asserted below). The constructor takes the current table; the family's adapter zero-fills
// the instance and calls the table's init, whose arguments differ by family.
template <class Ops>
class alignas(kCacheLineSize) Adapter {
 public:
  // The table the next adapters are built with (see the header comment).
  static void use(const Ops* ops) { current_ = ops; }
  static const Ops* current() { return current_; }

  Adapter(const Adapter&) = delete;
  Adapter& operator=(const Adapter&) = delete;

  const Ops& ops() const { return *ops_; }
  void* instance() const { return self_; }

 protected:
  static const Ops& table(std::string_view adapter) { return plugin_detail::current(current_, adapter); }
  // Bytes for an adapter, its padding and an instance of `size` bytes aligned to the table's align.
  static std::size_t footprint_for(std::string_view adapter, std::size_t size) {
    return plugin_detail::footprint(kCacheLineSize, kCacheLineSize, size, table(adapter).align);
  }

  explicit Adapter(std::string_view adapter)
      : ops_(&table(adapter)), self_(instance_at(reinterpret_cast<char*>(this) + kCacheLineSize, ops_->align)) {}
  // destroy() only after an init() that succeeded: a family's constructor that throws leaves this
  // base constructed, and its destructor runs.
  ~Adapter() {
    if (initialized_ && ops_->destroy != nullptr) ops_->destroy(self_);
  }

  // Zero-fills `bytes` of the instance: plugin.h's promise, whatever memory it was given.
  void zero(std::size_t bytes) { std::memset(self_, 0, bytes); }
  // init()'s result: throws when it failed, else the instance is destroyed with the adapter.
  void initialized(int rc, std::string_view family) {
    plugin_detail::check_init(rc, family, ops_->name);
    initialized_ = true;
  }

  const Ops* const ops_;
  void* const self_;
  bool initialized_ = false;

 private:
  inline static const Ops* current_ = nullptr;
};

}  // namespace plugin_detail

class PluginLock : public plugin_detail::Adapter<contend_lock_ops> {
 public:
  static constexpr std::string_view kName = "plugin-lock";
  static constexpr std::string_view kDescription = "a lock from a --plugin library, called through its function table";
  static constexpr Origin kOrigin = Origin::plugin;
  static constexpr bool kProcessShared = true;

  static std::size_t footprint() { return footprint_for(kName, table(kName).size); }

  explicit PluginLock(Sharing) : Adapter(kName) {
    zero(ops_->size);
    initialized(ops_->init(self_), "lock");
  }

  void lock() { ops_->lock(self_); }
  void unlock() { ops_->unlock(self_); }
  // Only when try_lock_supported().
  bool try_lock() { return ops_->try_lock(self_) != 0; }
  bool try_lock_supported() const { return ops_->try_lock != nullptr; }
};

class PluginSemaphore : public plugin_detail::Adapter<contend_semaphore_ops> {
 public:
  static constexpr std::string_view kName = "plugin-semaphore";
  static constexpr std::string_view kDescription =
      "a semaphore from a --plugin library, called through its function table";
  static constexpr Origin kOrigin = Origin::plugin;
  static constexpr bool kProcessShared = true;

  static std::size_t footprint() { return footprint_for(kName, table(kName).size); }

  PluginSemaphore(std::uint32_t permits, Sharing) : Adapter(kName) {
    zero(ops_->size);
    initialized(ops_->init(self_, permits), "semaphore");
  }

  void acquire() { ops_->acquire(self_); }
  void release() { ops_->release(self_); }
  // Only when try_acquire_supported().
  bool try_acquire() { return ops_->try_acquire(self_) != 0; }
  bool try_acquire_supported() const { return ops_->try_acquire != nullptr; }
};

class PluginQueue : public plugin_detail::Adapter<contend_queue_ops> {
 public:
  static constexpr std::string_view kName = "plugin-queue";
  static constexpr std::string_view kDescription = "a queue from a --plugin library, called through its function table";
  static constexpr Origin kOrigin = Origin::plugin;
  static constexpr bool kProcessShared = true;

  static std::size_t footprint(std::uint32_t capacity) {
    return footprint_for(kName, table(kName).footprint(capacity));
  }

  PluginQueue(std::uint32_t capacity, Sharing) : Adapter(kName) {
    const std::size_t bytes = ops_->footprint(capacity);
    if (bytes == 0) {
      throw std::runtime_error(std::string("plugin queue '") + ops_->name + "': footprint(" +
                               std::to_string(capacity) + ") returned 0");
    }
    zero(bytes);
    initialized(ops_->init(self_, capacity), "queue");
  }

  bool try_push(std::uint64_t item) { return ops_->try_push(self_, item) != 0; }
  bool try_pop(std::uint64_t& out) { return ops_->try_pop(self_, &out) != 0; }
};

class PluginRwLock : public plugin_detail::Adapter<contend_rwlock_ops> {
 public:
  static constexpr std::string_view kName = "plugin-rwlock";
  static constexpr std::string_view kDescription =
      "a reader-writer lock from a --plugin library, called through its function table";
  static constexpr Origin kOrigin = Origin::plugin;
  static constexpr bool kProcessShared = true;

  static std::size_t footprint() { return footprint_for(kName, table(kName).size); }

  explicit PluginRwLock(Sharing) : Adapter(kName) {
    zero(ops_->size);
    initialized(ops_->init(self_), "rwlock");
  }

  void lock() { ops_->lock(self_); }
  void unlock() { ops_->unlock(self_); }
  void lock_shared() { ops_->lock_shared(self_); }
  void unlock_shared() { ops_->unlock_shared(self_); }
};

// The channel's ends are Peer's values, 0 and 1, which is what the plugin's `to` and `at` are.
class PluginHandoff : public plugin_detail::Adapter<contend_handoff_ops> {
 public:
  static constexpr std::string_view kName = "plugin-handoff";
  static constexpr std::string_view kDescription =
      "a handoff channel from a --plugin library, called through its function table";
  static constexpr Origin kOrigin = Origin::plugin;
  static constexpr bool kProcessShared = true;

  static std::size_t footprint() { return footprint_for(kName, table(kName).size); }

  explicit PluginHandoff(Sharing) : Adapter(kName) {
    zero(ops_->size);
    initialized(ops_->init(self_), "handoff");
  }

  void send(Peer to, std::uint32_t message) { ops_->send(self_, static_cast<int>(to), message); }
  std::uint32_t receive(Peer at) { return ops_->receive(self_, static_cast<int>(at)); }
};

static_assert(sizeof(PluginLock) == kCacheLineSize && sizeof(PluginSemaphore) == kCacheLineSize &&
                  sizeof(PluginQueue) == kCacheLineSize && sizeof(PluginRwLock) == kCacheLineSize &&
                  sizeof(PluginHandoff) == kCacheLineSize,
              "an adapter is one line of read-only pointers; the plugin's instance starts on the next");
static_assert(TryLock<PluginLock> && TrySemaphore<PluginSemaphore> && Queue<PluginQueue> && RwLock<PluginRwLock> &&
              Handoff<PluginHandoff>);

}  // namespace contend
