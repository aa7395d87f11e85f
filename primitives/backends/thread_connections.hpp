#pragma once
// A thread's open connections to servers (Redis's, PostgreSQL's), each found by its address, and
// forgotten in a forked child: a connection inherited across fork() is the parent's session, not
// ours to use, nor to close politely (a close would end the parent's session at the server too).
#include <unistd.h>

#include <memory>
#include <string_view>
#include <vector>

namespace contend {

template <class Connection>
class ThreadConnections {
 public:
  // This thread's connection to `address` (Connection::address() names it), or nullptr.
  Connection* find(std::string_view address) {
    forget_inherited();
    for (auto& c : open_) {
      if (c->address() == address) return c.get();
    }
    return nullptr;
  }
  Connection& add(std::unique_ptr<Connection> c) {
    open_.push_back(std::move(c));
    return *open_.back();
  }
  // Closes the connection to `address`, if there is one (a broken one, to be opened again).
  void close(std::string_view address) {
    std::erase_if(open_, [&](const std::unique_ptr<Connection>& c) { return c->address() == address; });
  }

 private:
  void forget_inherited() {
    const pid_t pid = getpid();
    if (pid_ == pid) return;
    for (auto& c : open_) (void)c.release();  // leaked on purpose: see above
    open_.clear();
    pid_ = pid;
  }

  pid_t pid_ = 0;
  std::vector<std::unique_ptr<Connection>> open_;
};

}  // namespace contend
