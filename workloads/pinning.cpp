#include "workloads/pinning.hpp"

#include <sched.h>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <tuple>

namespace contend {
namespace {

int read_int_file(const std::string& path, int fallback) {
  std::ifstream in(path);
  int v = fallback;
  if (!(in >> v)) return fallback;
  return v;
}

}  // namespace

std::vector<int> pin_plan(Pinning pin, int workers) {
  std::vector<int> plan(static_cast<std::size_t>(workers), -1);
  if (pin == Pinning::none) return plan;
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return plan;

  struct Cpu {
    int id, package, core, sibling_rank;
  };
  std::vector<Cpu> cpus;
  for (int id = 0; id < CPU_SETSIZE; ++id) {
    if (!CPU_ISSET(id, &allowed)) continue;
    const std::string topo = fmt::format("/sys/devices/system/cpu/cpu{}/topology/", id);
    cpus.push_back({id, read_int_file(topo + "physical_package_id", 0), read_int_file(topo + "core_id", id), 0});
  }
  if (cpus.empty()) return plan;
  // Rank each hardware thread among the siblings of its core (0 = first thread of the core).
  for (auto& c : cpus) {
    for (const auto& other : cpus) {
      if (other.package == c.package && other.core == c.core && other.id < c.id) ++c.sibling_rank;
    }
  }
  if (pin == Pinning::compact) {
    std::sort(cpus.begin(), cpus.end(), [](const Cpu& a, const Cpu& b) {
      return std::tie(a.package, a.core, a.sibling_rank) < std::tie(b.package, b.core, b.sibling_rank);
    });
  } else {
    // Spread: first threads of every core before any second thread; within a rank, alternate
    // packages by ordering on the core's index within its package first.
    std::vector<std::tuple<int, int>> core_index;  // (package, core) in order of appearance
    auto index_in_package = [&](const Cpu& c) {
      int rank = 0;
      for (const auto& other : cpus) {
        if (other.package == c.package && other.sibling_rank == 0 && other.core < c.core) ++rank;
      }
      return rank;
    };
    std::sort(cpus.begin(), cpus.end(), [&](const Cpu& a, const Cpu& b) {
      return std::make_tuple(a.sibling_rank, index_in_package(a), a.package) <
             std::make_tuple(b.sibling_rank, index_in_package(b), b.package);
    });
  }
  for (std::size_t w = 0; w < plan.size(); ++w) plan[w] = cpus[w % cpus.size()].id;
  return plan;
}

void pin_current_worker(int cpu, WorkerSlot& slot) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  // pid 0 is the calling thread; what the kernel gave is read back with sched_getcpu later.
  if (sched_setaffinity(0, sizeof(set), &set) == 0) slot.pinned_cpu = cpu;
}

}  // namespace contend
