#pragma once
// pipe — two pipes, one per receiving end: a handoff writes the 4-byte message into the
// receiver's pipe; the receiver blocks in read() until it is there.
//
// Contract: the Handoff contract. The pipes are made by the constructor; an end that cannot
// be made (out of file descriptors: four per channel) throws std::system_error. A write or
// read that fails for any reason but a signal means the descriptors were broken from outside,
// which is not a measurement: it aborts.
// Fairness: nothing to share; the two ends strictly alternate.
// Process-shared: yes — the object holds only file descriptors. Processes forked after the
// constructor inherit them with the same numbers, so the object, in a MAP_SHARED mapping or
// not, works in each of them; a process forked before it was made cannot use it.
// Memory ordering: the kernel moves the bytes under the pipe's lock, so the write() happens-
// before the read() that returns its bytes, and everything the sender did before send()
// happens-before everything the receiver does after receive().
// Cost: a write() and a read() system call per handoff, and when the receiver got there first
// a sleep and a wake-up (two context switches) through the pipe's wait queue.
//
// A 4-byte write is below PIPE_BUF, so it is atomic: it arrives whole. The read still loops
// over partial reads, which cost nothing when they do not happen.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <system_error>

#include "primitives/primitive.hpp"

namespace contend {

class PipeHandoff {
 public:
  static constexpr std::string_view kName = "pipe";
  static constexpr std::string_view kDescription = "two pipes, one per end, a 4-byte write per handoff";
  static constexpr Origin kOrigin = Origin::posix;
  static constexpr bool kProcessShared = true;

  PipeHandoff() {
    for (std::size_t end = 0; end < 2; ++end) {
      if (pipe2(fds_[end], O_CLOEXEC) != 0) {
        const int error = errno;
        close_made(end);
        throw std::system_error(error, std::generic_category(), "pingpong pipe: pipe2");
      }
    }
  }
  ~PipeHandoff() { close_made(2); }
  PipeHandoff(const PipeHandoff&) = delete;
  PipeHandoff& operator=(const PipeHandoff&) = delete;

  void send(Peer to, std::uint32_t message) {
    const int fd = fds_[static_cast<std::uint32_t>(to)][1];
    ssize_t n;
    while ((n = write(fd, &message, sizeof(message))) < 0 && errno == EINTR) {
    }
    if (n != static_cast<ssize_t>(sizeof(message))) std::abort();
  }

  std::uint32_t receive(Peer at) {
    const int fd = fds_[static_cast<std::uint32_t>(at)][0];
    std::uint32_t message = 0;
    auto* bytes = reinterpret_cast<char*>(&message);
    std::size_t got = 0;
    while (got < sizeof(message)) {
      const ssize_t n = read(fd, bytes + got, sizeof(message) - got);
      if (n > 0) {
        got += static_cast<std::size_t>(n);
      } else if (n == 0 || errno != EINTR) {
        std::abort();  // end of file or a broken descriptor: every end is held open by us
      }
    }
    return message;
  }

 private:
  void close_made(std::size_t ends) {
    for (std::size_t end = 0; end < ends; ++end) {
      close(fds_[end][0]);
      close(fds_[end][1]);
    }
  }

  int fds_[2][2] = {};  // indexed by Peer, the end that reads it: {read end, write end}
};

}  // namespace contend
