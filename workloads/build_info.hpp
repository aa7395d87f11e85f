#pragma once
// Facts about this build, recorded at build time (see scripts/build_info.cmake).
#include <string>

namespace contend {

struct BuildInfo {
  std::string version;
  std::string git_revision;
  std::string build_type;
};

const BuildInfo& build_info();

}  // namespace contend
