#pragma once
// CONTEND_THREAD_SANITIZER is defined when this translation unit is built with ThreadSanitizer,
// under g++ (__SANITIZE_THREAD__) or clang++ (__has_feature(thread_sanitizer)).
#if defined(__SANITIZE_THREAD__)
#define CONTEND_THREAD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CONTEND_THREAD_SANITIZER 1
#endif
#endif
