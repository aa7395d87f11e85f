#pragma once
// What contend leaves in /dev/shm, for the tests that prove it leaves nothing: the named POSIX
// semaphores of posix-named-sem ("sem.contend-<pid>-<n>"), the only objects contend puts there
// (everything else it shares lives in anonymous MAP_SHARED mappings).
//
// Tests run side by side (ctest -j2), so another test's contend may hold such an object for the
// few microseconds between sem_open and sem_unlink. A leftover is what is still there after a
// moment; what vanishes was someone's transient object.
#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>

namespace contend::testing {

inline std::set<std::string> contend_shm_objects() {
  std::set<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/dev/shm", ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("sem.contend-", 0) == 0) names.insert(std::move(name));
  }
  return names;
}

// contend's objects now that were not there `before` and are still there a moment later.
inline std::set<std::string> contend_shm_leftovers(const std::set<std::string>& before) {
  std::set<std::string> left;
  for (int look = 0; look < 5; ++look) {
    left.clear();
    for (const std::string& name : contend_shm_objects()) {
      if (before.count(name) == 0) left.insert(name);
    }
    if (left.empty()) return left;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return left;
}

}  // namespace contend::testing
