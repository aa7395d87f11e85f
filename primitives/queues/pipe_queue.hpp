#pragma once
// pipe-queue — one pipe as an MPMC queue: try_push writes the 8-byte item to the write end,
// try_pop reads 8 bytes from the read end, both ends non-blocking, so a full pipe (try_push) or an
// empty one (try_pop) fails with EAGAIN at once. push and pop wait in poll() and try again.
//
// Why items arrive whole, to several readers and from several writers:
//   1. A write of at most PIPE_BUF bytes is atomic (POSIX): its bytes are not interleaved with
//      another writer's, and with O_NONBLOCK it either writes all 8 bytes or fails with EAGAIN.
//   2. Linux keeps a pipe's bytes in a ring of page-sized buffers and appends a write to the last
//      buffer only when it fits before the page's end, else starts a new page. 4096 is a multiple
//      of 8, so with only 8-byte writes every buffer holds a whole number of items, starting at
//      an item boundary.
//   3. A read takes the pipe's mutex for its whole copy, and an 8-byte read copies from the first
//      buffer, which holds at least one whole item. So a read returns 8 bytes of one item or
//      fails with EAGAIN — never part of one. That is Linux's implementation, not a POSIX
//      promise; a short read aborts (it would mean this reasoning broke), and
//      tests/peer_queues_gtest.cpp checks it with concurrent readers and writers.
//
// Contract: the Queue and BlockingQueue contracts. The pipe is made by the constructor; a pipe
// that cannot be made (out of file descriptors: two per queue) or sized (beyond
// /proc/sys/fs/pipe-max-size, 1 MiB, without CAP_SYS_RESOURCE, or over the user's pipe-page
// limit) throws std::system_error. A read or write that fails for any other reason means the
// descriptors were broken from outside, which is not a measurement: it aborts.
// Capacity: at least `capacity`, as F_SETPIPE_SZ sizes it (in pages, rounded up to a power of
// two). A page is freed only when every item in it was read, and a write never goes into the
// free space at the front of a partly read page, so the pipe can be full with fewer items than
// its pages hold: with k pages, as few as (k - 1) x 512 + 1 (one item left in the first page,
// the others full). Measured: a one-page pipe refuses a write while it holds one item, after 512
// writes and 511 reads. So the constructor asks for ceil((capacity - 1) / 512) + 1 pages (the
// kernel rounds that up to a power of two), and the pipe accepts a push whenever it holds fewer
// than `capacity` items. It holds up to twice that and more when filled from empty (capacity 2:
// 2 pages, 1024 items; capacity 1024: 4 pages, 2048). A push() that found the pipe full sleeps
// until a whole page has been read: 512 pops, not one.
// Fairness: none promised. The kernel's pipe mutex is not FIFO; sleepers in poll() are all woken
// and race for the item or the room.
// Process-shared: yes — the object holds only file descriptors. Processes forked after the
// constructor inherit them with the same numbers, so the object, in a MAP_SHARED mapping or not,
// works in each of them; a process forked before it was made cannot use it. O_NONBLOCK belongs to
// the open file description, which all of them share: it is set once at creation and never
// changed, which is why the blocking operations poll() instead of switching it off.
// Memory ordering: the kernel copies the bytes in and out under the pipe's mutex, so the write()
// happens-before the read() that returns its bytes, and everything a producer did before
// try_push happens-before everything the consumer does after the try_pop that returns the item.
// FIFO: items come out in the order their writes took the mutex.
// Cost: a system call per operation and the pipe's mutex shared by every producer and consumer.
// A blocking operation that has to wait adds a poll() and a wake-up; poll() wakes every sleeper
// (a blocking read() would wake one), so many idle consumers make a herd.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <system_error>

#include "primitives/primitive.hpp"

namespace contend {

class PipeQueue {
 public:
  static constexpr std::string_view kName = "pipe-queue";
  static constexpr std::string_view kDescription =
      "one non-blocking pipe, an 8-byte write per item, sized with F_SETPIPE_SZ; blocking ops poll()";
  static constexpr Origin kOrigin = Origin::posix;
  static constexpr bool kProcessShared = true;
  static constexpr QueueCapacity kCapacity = QueueCapacity::at_least;

  explicit PipeQueue(std::uint32_t capacity) {
    if (pipe2(fds_, O_NONBLOCK | O_CLOEXEC) != 0) {
      throw std::system_error(errno, std::generic_category(), "queue pipe: pipe2");
    }
    const int error = resize(capacity);
    if (error != 0) {
      close_both();
      throw std::system_error(error, std::generic_category(), "queue pipe: F_SETPIPE_SZ");
    }
  }
  ~PipeQueue() { close_both(); }
  PipeQueue(const PipeQueue&) = delete;
  PipeQueue& operator=(const PipeQueue&) = delete;

  bool try_push(std::uint64_t item) {
    for (;;) {
      const ssize_t n = write(fds_[1], &item, sizeof(item));
      if (n == static_cast<ssize_t>(sizeof(item))) return true;
      if (n < 0 && errno == EAGAIN) return false;
      if (n < 0 && errno == EINTR) continue;
      std::abort();  // a short write (impossible below PIPE_BUF) or a broken descriptor
    }
  }

  bool try_pop(std::uint64_t& out) {
    for (;;) {
      const ssize_t n = read(fds_[0], &out, sizeof(out));
      if (n == static_cast<ssize_t>(sizeof(out))) return true;
      if (n < 0 && errno == EAGAIN) return false;
      if (n < 0 && errno == EINTR) continue;
      std::abort();  // part of an item (see the header comment), end of file or a broken descriptor
    }
  }

  void push(std::uint64_t item) {
    while (!try_push(item)) wait_for(fds_[1], POLLOUT);
  }

  std::uint64_t pop() {
    std::uint64_t item = 0;
    while (!try_pop(item)) wait_for(fds_[0], POLLIN);
    return item;
  }

  // The pipe's size in bytes, as the kernel rounded it.
  int pipe_bytes() const { return fcntl(fds_[1], F_GETPIPE_SZ); }

 private:
  // Sizes the pipe so that it accepts a push whenever it holds fewer than `capacity` items (see
  // Capacity above). Returns 0 or the errno.
  int resize(std::uint32_t capacity) {
    const long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) return EINVAL;
    const std::uint64_t items_per_page = static_cast<std::uint64_t>(page) / sizeof(std::uint64_t);
    const std::uint64_t pages = (capacity > 1 ? (capacity - 2) / items_per_page + 1 : 0) + 1;
    const std::uint64_t bytes = pages * static_cast<std::uint64_t>(page);
    if (bytes > INT_MAX) return EINVAL;
    return fcntl(fds_[1], F_SETPIPE_SZ, static_cast<int>(bytes)) < 0 ? errno : 0;
  }

  // Sleeps until `fd` is ready for `events`. POLLOUT on a pipe means a free page, which is what a
  // write refused with EAGAIN waits for (the last page is full), so no wake-up is missed.
  static void wait_for(int fd, short events) {
    pollfd p{fd, events, 0};
    while (poll(&p, 1, -1) < 0) {
      if (errno != EINTR) std::abort();
    }
  }

  void close_both() {
    close(fds_[0]);
    close(fds_[1]);
  }

  int fds_[2] = {-1, -1};  // {read end, write end}
};

}  // namespace contend
