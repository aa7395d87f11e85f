#pragma once
// The spin-wait hint. On x86 `pause` lets the sibling hyper-thread run and keeps the core from
// flooding the memory system with speculative loads while it waits.

namespace contend {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#else
  asm volatile("" ::: "memory");
#endif
}

}  // namespace contend
