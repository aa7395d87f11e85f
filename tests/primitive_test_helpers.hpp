// What the primitive unit tests (locks, semaphores, rwlocks) share: threads started together, an
// anonymous shared mapping, forked children that are always reaped and cannot hang a test, the
// test-name generator and the catalogue's naming check.
#pragma once

#include <dirent.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <concepts>
#include <cstddef>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "primitives/catalog.hpp"
#include "primitives/cpu_relax.hpp"

namespace contend::testing {

// Starts `threads` threads together and runs `work` on each: `work(t)` with the thread's index
// if it takes one, else `work()`.
template <class Work>
void run_threads(int threads, Work work) {
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      while (!go.load(std::memory_order_acquire)) cpu_relax();
      if constexpr (std::invocable<Work&, int>) {
        work(t);
      } else {
        work();
      }
    });
  }
  go.store(true, std::memory_order_release);
  for (auto& th : pool) th.join();
}

// An anonymous MAP_SHARED mapping, as the suite uses in process mode.
class SharedMapping {
 public:
  explicit SharedMapping(std::size_t bytes) : size_(bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    base_ = p == MAP_FAILED ? nullptr : p;
  }
  ~SharedMapping() {
    if (base_ != nullptr) munmap(base_, size_);
  }
  SharedMapping(const SharedMapping&) = delete;
  SharedMapping& operator=(const SharedMapping&) = delete;
  void* get() const { return base_; }

 private:
  void* base_ = nullptr;
  std::size_t size_;
};

// A forked child that runs `body` and _exits with its result (3 if it threw), and is always
// reaped: the destructor kills and reaps a child the test did not wait for, so a failed
// assertion in the parent leaves no process behind. A hung child dies of SIGALRM after
// `alarm_seconds` and the test reports it instead of waiting for ctest's timeout.
class Child {
 public:
  template <class Body>
  Child(unsigned alarm_seconds, Body body) {
    // Flush first, so that output buffered in the parent is not written again by the child.
    std::fflush(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      alarm(alarm_seconds);
      int status = 3;
      try {
        status = body();
      } catch (...) {
      }
      _exit(status);
    }
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      wait_status();
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Reaps the child; returns its wait status.
  int wait_status() {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
};

inline ::testing::AssertionResult exited_cleanly(int status) {
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return ::testing::AssertionSuccess();
  if (WIFSIGNALED(status)) {
    return ::testing::AssertionFailure() << "child killed by signal " << WTERMSIG(status)
                                         << (WTERMSIG(status) == SIGALRM ? " (hung: alarm fired)" : "");
  }
  return ::testing::AssertionFailure() << "child exited with status " << WEXITSTATUS(status);
}

// Children call this first, so that none of them is done before the last one is forked.
inline void start_together(std::atomic<int>& arrived, int children) {
  arrived.fetch_add(1, std::memory_order_relaxed);
  while (arrived.load(std::memory_order_relaxed) < children) sched_yield();
}

// Names typed tests after the primitive: TYPED_TEST_SUITE(Suite, Types, PrimitiveTestName).
// gtest filters treat '-' as "exclude", so kebab-case names become snake_case here.
struct PrimitiveTestName {
  template <class P>
  static std::string GetName(int) {
    std::string name(P::kName);
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
  }
};

inline bool is_kebab_case(std::string_view name) {
  if (name.empty() || name.front() == '-' || name.back() == '-') return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && name[i - 1] != '-');
    if (!ok) return false;
  }
  return true;
}

// Every primitive of a family's catalogue has a unique kebab-case name and a one-line description.
template <class... Ps>
void expect_names_unique_kebab_case_with_one_line_descriptions(TypeList<Ps...>) {
  std::set<std::string_view> seen;
  for (const auto& [name, description] :
       {std::pair<std::string_view, std::string_view>{Ps::kName, Ps::kDescription}...}) {
    EXPECT_TRUE(is_kebab_case(name)) << name;
    EXPECT_TRUE(seen.insert(name).second) << "duplicate name " << name;
    EXPECT_FALSE(description.empty()) << name;
    EXPECT_EQ(description.find('\n'), std::string_view::npos) << name;
  }
}

// Entries of /proc/self/fd: the descriptors open in this process, plus a constant (the listing's
// own descriptor, "." and "..").
inline int open_descriptors() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int n = 0;
  while (readdir(dir) != nullptr) ++n;
  closedir(dir);
  return n;
}

// For primitives made of kernel descriptors (pipes, eventfds, sockets): with room for only one
// more descriptor, `make()` must throw std::system_error(EMFILE) and close the one it got. Runs
// in a forked child, so that lowering the limit cannot affect the other tests. The repetition
// child of a workload turns that exception into the configuration's error verdict.
template <class Make>
void expect_out_of_descriptors_throws_and_leaks_nothing(unsigned alarm_seconds, Make make) {
  Child child(alarm_seconds, [&] {
    // The lowest free descriptor number; a limit one above it leaves room for exactly one more
    // descriptor, and each primitive needs at least two.
    const int lowest_free = dup(0);
    if (lowest_free < 0) return 10;
    close(lowest_free);
    const rlimit limit{static_cast<rlim_t>(lowest_free) + 1, static_cast<rlim_t>(lowest_free) + 1};
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return 10;
    try {
      make();
      return 11;
    } catch (const std::system_error& e) {
      if (e.code() != std::errc::too_many_files_open) return 12;
    }
    // The descriptor it did get was closed again.
    return dup(0) == lowest_free ? 0 : 13;
  });
  ASSERT_TRUE(child.started());
  EXPECT_TRUE(exited_cleanly(child.wait_status())) << "10: setup failed, 11: no throw, 12: wrong error, 13: leaked";
}

}  // namespace contend::testing
