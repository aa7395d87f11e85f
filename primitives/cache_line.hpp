#pragma once
// One cache-line size for the whole project. g++ 12 warns when
// std::hardware_destructive_interference_size appears in a header, and clang 14 with
// libstdc++ lacks it, so we name the x86-64 figure ourselves.
#include <cstddef>

namespace contend {

inline constexpr std::size_t kCacheLineSize = 64;

}  // namespace contend
