#pragma once
// Runs the contend binary for end-to-end tests: captures stdout and stderr, bounds the run in
// time (a hung contend fails the test instead of hanging ctest), and tags the environment so a
// test can prove that no process it started is still alive afterwards.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <dirent.h>
#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/dev_shm.hpp"

namespace contend::test {

struct RunOutput {
  int exit_code = -1;      // -1 when killed by the test's own time limit
  std::string out;
  std::string err;
  double seconds = 0;
};

// The contend binary under test: the build's own, or $CONTEND_BINARY (the sanitizer builds run
// the release build's end-to-end tests against their own binary; scripts/sanitizers.sh).
inline std::string contend_binary() {
  const char* other = std::getenv("CONTEND_BINARY");
  return other != nullptr && other[0] != '\0' ? other : CONTEND_BINARY;
}

// A test plugin's path: the build's own, or the file of the same name in $CONTEND_PLUGIN_DIR
// (the plugins built with the binary under test: under TSan an uninstrumented plugin would look
// racy). The string lives as long as the test program.
inline const char* plugin_path(const char* built) {
  const char* dir = std::getenv("CONTEND_PLUGIN_DIR");
  if (dir == nullptr || dir[0] == '\0') return built;
  static std::map<std::string, std::string> chosen;
  auto [it, inserted] = chosen.try_emplace(built);
  if (inserted) it->second = (std::filesystem::path(dir) / std::filesystem::path(built).filename()).string();
  return it->second.c_str();
}

// A tag unique to this test process, put in the environment of every contend it starts.
inline std::string process_tag() {
  return "CONTEND_TEST_TAG=e2e-" + std::to_string(getpid());
}

// Starts contend with `args`; if `interrupt_after` > 0, sends SIGINT after that many seconds.
inline RunOutput run_contend(const std::vector<std::string>& args, double limit_s = 60,
                             double interrupt_after = 0) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return {};
  const std::string tag = process_tag();
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(out_pipe[0]);
    close(err_pipe[0]);
    std::vector<char*> argv;
    std::string binary = contend_binary();
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    putenv(const_cast<char*>(tag.c_str()));
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  RunOutput r;
  bool interrupted = false;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (interrupt_after > 0 && !interrupted && elapsed >= interrupt_after) {
      kill(pid, SIGINT);
      interrupted = true;
    }
    if (elapsed > limit_s) {
      kill(pid, SIGKILL);
      break;
    }
    if (poll(fds, 2, 50) <= 0) continue;
    for (auto& f : fds) {
      if (f.fd < 0 || (f.revents & (POLLIN | POLLHUP)) == 0) continue;
      char buf[4096];
      const ssize_t n = read(f.fd, buf, sizeof(buf));
      if (n <= 0) {
        close(f.fd);
        f.fd = -1;
        --open_fds;
        continue;
      }
      (f.fd == out_pipe[0] ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Processes still alive (zombies count: they are not reaped) that carry this test's tag.
inline std::vector<int> tagged_processes() {
  std::vector<int> pids;
  const std::string tag = process_tag();
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return pids;
  while (dirent* e = readdir(proc)) {
    const int pid = std::atoi(e->d_name);
    if (pid <= 0) continue;
    std::ifstream env("/proc/" + std::string(e->d_name) + "/environ", std::ios::binary);
    std::stringstream ss;
    ss << env.rdbuf();
    const std::string text = ss.str();
    if (text.find(tag) != std::string::npos) pids.push_back(pid);
  }
  closedir(proc);
  return pids;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh empty directory under the build tree's temp area, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("contend-e2e-" + std::to_string(getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path path_;
};

// A test fixture that proves cleanup: after each test, no process started by contend is alive
// and contend left no object in /dev/shm (tests/dev_shm.hpp).
class NoLeftoversTest : public ::testing::Test {
 protected:
  void SetUp() override { shm_before_ = testing::contend_shm_objects(); }
  void TearDown() override {
    EXPECT_TRUE(tagged_processes().empty()) << "a process started by contend outlived it";
    EXPECT_EQ(testing::contend_shm_leftovers(shm_before_), std::set<std::string>{})
        << "contend left an object in /dev/shm";
  }

 private:
  std::set<std::string> shm_before_;
};

}  // namespace contend::test
