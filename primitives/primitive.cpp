#include "primitives/primitive.hpp"

namespace contend {

std::string_view to_string(Origin o) {
  switch (o) {
    case Origin::std_library: return "std";
    case Origin::posix: return "posix";
    case Origin::linux_api: return "linux";
    case Origin::own: return "own";
    case Origin::peer: return "peer";
    case Origin::test: return "test";
    case Origin::plugin: return "plugin";
    case Origin::backend: return "backend";
  }
  return "?";
}

}  // namespace contend
