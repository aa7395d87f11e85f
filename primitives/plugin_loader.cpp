#include "primitives/plugin_loader.hpp"

#include <dlfcn.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <set>
#include <string_view>
#include <system_error>

namespace contend {

namespace {

constexpr std::size_t kMaxNameLength = 64;
constexpr std::size_t kMaxAlign = 4096;
constexpr std::string_view kNameRule = "1 to 64 characters of [a-z0-9_.-]";

// `text` fit for a one-line message: control and non-ASCII bytes as \xNN, and cut after
// `limit` characters, so a broken table cannot break the line.
std::string printable(std::string_view text, std::size_t limit = kMaxNameLength) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == limit) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

class Checker {
 public:
  explicit Checker(const std::string& path) : prefix_("--plugin '" + printable(path, 4096) + "': ") {}

  [[noreturn]] void fail(const std::string& what) const { throw PluginLoadError(prefix_ + what); }

  // `kind` is "lock", "semaphore" or "queue"; `array` the field's name, for the entry's index.
  void name(const char* name, std::string_view kind, std::string_view array, std::size_t index) {
    if (name == nullptr || name[0] == '\0') {
      fail(std::string(array) + "[" + std::to_string(index) + "] has no name (" +
           (name == nullptr ? "NULL" : "empty") + "); expected " + std::string(kNameRule));
    }
    // Reads at most one character past the limit, so an unterminated name is not read to its end.
    const std::string_view n(name, strnlen(name, kMaxNameLength + 1));
    if (n.size() > kMaxNameLength) {
      fail(std::string(kind) + " name '" + printable(n) + "' is longer than 64 characters; expected " +
           std::string(kNameRule));
    }
    for (char c : n) {
      if (!name_char(c)) {
        fail(std::string(kind) + " name '" + printable(n) + "' has the character '" + printable({&c, 1}) +
             "'; expected " + std::string(kNameRule));
      }
    }
    if (!names_.insert(std::string(n)).second) {
      fail("two primitives are named '" + std::string(n) + "'; names must be unique within a plugin");
    }
  }

  void function(bool present, std::string_view kind, const char* name, std::string_view field,
                std::string_view required) const {
    if (!present) {
      fail(std::string(kind) + " '" + name + "' has no " + std::string(field) + " function (NULL); " +
           std::string(required) + " are required");
    }
  }

  void size(std::size_t size, std::string_view kind, const char* name) const {
    if (size == 0) {
      fail(std::string(kind) + " '" + name + "' has size 0; expected the bytes of one instance, at least 1");
    }
  }

  void align(std::size_t align, std::string_view kind, const char* name) const {
    if (align == 0 || (align & (align - 1)) != 0 || align > kMaxAlign) {
      fail(std::string(kind) + " '" + name + "' has align " + std::to_string(align) +
           "; expected a power of two from 1 to 4096");
    }
  }

  template <class T>
  void array(std::size_t n, const T* entries, std::string_view count_field, std::string_view array_field) const {
    if (n > 0 && entries == nullptr) {
      fail(std::string(count_field) + " is " + std::to_string(n) + " but " + std::string(array_field) +
           " is NULL; expected an array of " + std::string(count_field) + " entries");
    }
  }

 private:
  std::string prefix_;
  std::set<std::string> names_;  // across the three families: -p names them all alike
};

// Closes a refused plugin's library; an accepted one's stays open.
class Handle {
 public:
  explicit Handle(void* handle) : handle_(handle) {}
  ~Handle() {
    if (handle_ != nullptr) dlclose(handle_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  void* get() const { return handle_; }
  void keep() { handle_ = nullptr; }

 private:
  void* handle_;
};

// dlerror()'s text, on one line.
std::string dl_error() {
  const char* e = dlerror();
  std::string text = e == nullptr ? "unknown error" : e;
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

// The versions of the table this contend reads (plugin.h, "Versions"), and where each ends.
constexpr std::uint32_t kOldestAbi = 1;
static_assert(CONTEND_PLUGIN_ABI == 2, "a new version: add where its table ends to table_bytes()");

std::size_t table_bytes(std::uint32_t abi) {
  return abi == 1 ? offsetof(contend_plugin, n_rwlocks) : sizeof(contend_plugin);
}

// A copy of the plugin's table with only the fields of its version read; the later ones zero.
contend_plugin read_table(void* handle, const Checker& check) {
  dlerror();
  void* symbol = dlsym(handle, "contend_plugin_v1");
  if (symbol == nullptr) {
    check.fail("it does not export contend_plugin_v1; a plugin defines `const contend_plugin "
               "*contend_plugin_v1(void)` (see contend/plugin.h)");
  }
  using Entry = const contend_plugin* (*)();
  // POSIX guarantees that dlsym's void* converts to a function pointer.
  const auto entry = reinterpret_cast<Entry>(symbol);
  const contend_plugin* table = entry();
  if (table == nullptr) check.fail("contend_plugin_v1() returned NULL; expected its table of primitives");
  // `abi` is the first field of every version, so reading it is safe whatever the version.
  if (table->abi < kOldestAbi || table->abi > CONTEND_PLUGIN_ABI) {
    check.fail("ABI " + std::to_string(table->abi) + ", this contend accepts " + std::to_string(kOldestAbi) +
               " to " + std::to_string(CONTEND_PLUGIN_ABI) +
               "; rebuild the plugin with this contend's contend/plugin.h");
  }
  contend_plugin copy{};
  std::memcpy(static_cast<void*>(&copy), table, table_bytes(table->abi));
  return copy;
}

}  // namespace

LoadedPlugin load_plugin(const std::string& path) {
  Checker check(path);
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    check.fail("no such file; expected the path of a plugin's shared library (.so)");
  }
  if (std::filesystem::is_directory(status)) {
    check.fail("is a directory; expected the path of a plugin's shared library (.so)");
  }
  // A name without a slash would make dlopen search the library path instead of opening the
  // file the user named.
  const std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  dlerror();
  Handle handle(dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (handle.get() == nullptr) check.fail("cannot load it: " + dl_error());

  const contend_plugin read = read_table(handle.get(), check);
  const contend_plugin* table = &read;
  check.array(table->n_locks, table->locks, "n_locks", "locks");
  check.array(table->n_semaphores, table->semaphores, "n_semaphores", "semaphores");
  check.array(table->n_queues, table->queues, "n_queues", "queues");
  check.array(table->n_rwlocks, table->rwlocks, "n_rwlocks", "rwlocks");
  check.array(table->n_handoffs, table->handoffs, "n_handoffs", "handoffs");

  LoadedPlugin plugin;
  plugin.path = path;
  plugin.abi = table->abi;
  for (std::size_t i = 0; i < table->n_locks; ++i) {
    const contend_lock_ops& l = table->locks[i];
    check.name(l.name, "lock", "locks", i);
    constexpr std::string_view required = "init, lock and unlock";
    check.function(l.init != nullptr, "lock", l.name, "init", required);
    check.function(l.lock != nullptr, "lock", l.name, "lock", required);
    check.function(l.unlock != nullptr, "lock", l.name, "unlock", required);
    check.size(l.size, "lock", l.name);
    check.align(l.align, "lock", l.name);
    plugin.locks.push_back(&l);
  }
  for (std::size_t i = 0; i < table->n_semaphores; ++i) {
    const contend_semaphore_ops& s = table->semaphores[i];
    check.name(s.name, "semaphore", "semaphores", i);
    constexpr std::string_view required = "init, acquire and release";
    check.function(s.init != nullptr, "semaphore", s.name, "init", required);
    check.function(s.acquire != nullptr, "semaphore", s.name, "acquire", required);
    check.function(s.release != nullptr, "semaphore", s.name, "release", required);
    check.size(s.size, "semaphore", s.name);
    check.align(s.align, "semaphore", s.name);
    plugin.semaphores.push_back(&s);
  }
  for (std::size_t i = 0; i < table->n_queues; ++i) {
    const contend_queue_ops& q = table->queues[i];
    check.name(q.name, "queue", "queues", i);
    constexpr std::string_view required = "footprint, init, try_push and try_pop";
    check.function(q.footprint != nullptr, "queue", q.name, "footprint", required);
    check.function(q.init != nullptr, "queue", q.name, "init", required);
    check.function(q.try_push != nullptr, "queue", q.name, "try_push", required);
    check.function(q.try_pop != nullptr, "queue", q.name, "try_pop", required);
    check.align(q.align, "queue", q.name);
    plugin.queues.push_back(&q);
  }
  for (std::size_t i = 0; i < table->n_rwlocks; ++i) {
    const contend_rwlock_ops& r = table->rwlocks[i];
    check.name(r.name, "rwlock", "rwlocks", i);
    constexpr std::string_view required = "init, lock, unlock, lock_shared and unlock_shared";
    check.function(r.init != nullptr, "rwlock", r.name, "init", required);
    check.function(r.lock != nullptr, "rwlock", r.name, "lock", required);
    check.function(r.unlock != nullptr, "rwlock", r.name, "unlock", required);
    check.function(r.lock_shared != nullptr, "rwlock", r.name, "lock_shared", required);
    check.function(r.unlock_shared != nullptr, "rwlock", r.name, "unlock_shared", required);
    check.size(r.size, "rwlock", r.name);
    check.align(r.align, "rwlock", r.name);
    plugin.rwlocks.push_back(&r);
  }
  for (std::size_t i = 0; i < table->n_handoffs; ++i) {
    const contend_handoff_ops& h = table->handoffs[i];
    check.name(h.name, "handoff", "handoffs", i);
    constexpr std::string_view required = "init, send and receive";
    check.function(h.init != nullptr, "handoff", h.name, "init", required);
    check.function(h.send != nullptr, "handoff", h.name, "send", required);
    check.function(h.receive != nullptr, "handoff", h.name, "receive", required);
    check.size(h.size, "handoff", h.name);
    check.align(h.align, "handoff", h.name);
    plugin.handoffs.push_back(&h);
  }
  // Never closed: the ops must stay valid for the life of the process (see the header).
  handle.keep();
  return plugin;
}

}  // namespace contend
