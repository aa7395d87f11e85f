#include "workloads/environment.hpp"

#include <sched.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>

#include "workloads/build_info.hpp"

namespace contend {
namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string v = line.substr(colon + 1);
        v.erase(0, v.find_first_not_of(" \t"));
        return v;
      }
    }
  }
  return "unknown";
}

std::string compiler() {
#if defined(__clang__)
  return fmt::format("clang {}.{}.{}", __clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
  return fmt::format("gcc {}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  return "unknown";
#endif
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

Environment collect_environment(const Calibrations& calibrations) {
  Environment env;
  env.contend_version = build_info().version;
  env.git_revision = build_info().git_revision;
  env.build_type = build_info().build_type;
  env.compiler = compiler();
  env.cpu_model = cpu_model();
  env.online_cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  cpu_set_t set;
  CPU_ZERO(&set);
  env.allowed_cpus = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : env.online_cpus;
  utsname u{};
  if (uname(&u) == 0) {
    env.kernel = fmt::format("{} {}", u.sysname, u.release);
    env.hostname = u.nodename;
  }
  env.date_utc = utc_now_iso8601();
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) == 3) env.load_average = {load[0], load[1], load[2]};
  env.clock = calibrations.clock;
  env.work = calibrations.work;
  return env;
}

void record_end_load(Environment& env) {
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) == 3) env.load_average_end = std::array<double, 3>{load[0], load[1], load[2]};
  // procs_running counts the runnable tasks at this instant, this process (reading) among them.
  std::ifstream stat("/proc/stat");
  std::string line;
  while (std::getline(stat, line)) {
    if (line.rfind("procs_running ", 0) != 0) continue;
    int running = 0;
    if (std::sscanf(line.c_str(), "procs_running %d", &running) == 1) env.runnable_others_end = std::max(0, running - 1);
    break;
  }
}

}  // namespace contend
