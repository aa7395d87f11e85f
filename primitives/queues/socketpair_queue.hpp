#pragma once
// socketpair-queue — an AF_UNIX SOCK_DGRAM socket pair as an MPMC queue: each item is one 8-byte
// datagram sent into one end and received from the other. try_push and try_pop pass
// MSG_DONTWAIT and fail with EAGAIN when the queue is full or empty; push and pop are plain
// blocking send() and recv(). The descriptors stay blocking: MSG_DONTWAIT makes a single call
// non-blocking, so unlike a pipe no flag on the shared open file description is involved and the
// blocking operations need no poll().
//
// Why datagrams and not SOCK_SEQPACKET: both keep message boundaries, and on Linux both are sent
// and received by the same code (SEQPACKET adds only a connection state, which reports end of file
// when the other end closes — this object holds both ends, so that never happens). With several
// readers of one end, each recv() unlinks one whole datagram from the receive queue under its
// lock, so an 8-byte recv returns exactly one item (a datagram longer than the buffer would be
// truncated; ours are all exactly 8 bytes). DGRAM says what the queue does: one item, one message.
//
// Contract: the Queue and BlockingQueue contracts. The pair is made by the constructor; one that
// cannot be made (out of file descriptors: two per queue) or cannot hold `capacity` items (see
// Capacity) throws std::system_error. A send or receive that fails for any other reason means the
// descriptors were broken from outside, which is not a measurement: it aborts.
// Capacity: at least `capacity` — in fact exactly `capacity` above a small minimum (6 items on
// Linux 6.x x86-64), and never fewer, measured. What bounds the queue is the sender's send
// buffer (SO_SNDBUF): every datagram in flight is charged to the sending socket at its kernel
// size (768 bytes for 8 bytes of data here) until it is received, and a send is refused once the
// charge reaches the buffer, so the socket holds ceil(buffer / charge) datagrams.
// net.unix.max_dgram_qlen (the receive-queue limit, 10 by default) does not apply: Linux skips it
// when the receiver is connected back to the sender, as the two ends of a pair are (measured: 278
// datagrams with the default buffer). The constructor measures the charge of one datagram
// (SO_MEMINFO), asks for the buffer that makes `capacity` fit (Linux doubles what is asked,
// socket(7)), and checks what it got. The buffer is capped by net.core.wmem_max (Debian's
// default, 212992, gives at most 555 items; SO_SNDBUFFORCE passes the cap with CAP_NET_ADMIN and
// is tried next); if the capacity still does not fit, the constructor throws
// std::system_error(ENOBUFS) with what it would need, rather than run a queue smaller than asked.
// Blocking push: a producer that sleeps in send() because the queue is full is woken only once
// the queue has drained to a quarter of its buffer (unix_write_space() wakes writers when at most
// a quarter is in use; measured: 209 of 278 items read before POLLOUT, and a blocked send
// returned then), not as soon as one item is taken. So with a producer asleep, the queue can
// hold fewer than `capacity` items while the producer waits; try_push would succeed meanwhile.
// Fairness: none promised. A blocked recv() sleeps on an exclusive wait: each datagram wakes one
// consumer, in the order they went to sleep; blocked senders are all woken together.
// Process-shared: yes — the object holds only file descriptors. Processes forked after the
// constructor inherit them with the same numbers, so the object, in a MAP_SHARED mapping or not,
// works in each of them; a process forked before it was made cannot use it.
// Memory ordering: the kernel links the datagram into the receive queue under the queue's lock,
// so the send() happens-before the recv() that returns it, and everything a producer did before
// try_push happens-before everything the consumer does after the try_pop that returns the item.
// FIFO: datagrams come out in the order they were queued.
// Cost: a system call per operation, and for each item an sk_buff allocated by the sender and
// freed by the receiver (the 768 bytes above); the receive queue's lock is shared by everyone.
#include <linux/sock_diag.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <system_error>

#include "primitives/primitive.hpp"

namespace contend {

class SocketpairQueue {
 public:
  static constexpr std::string_view kName = "socketpair-queue";
  static constexpr std::string_view kDescription =
      "AF_UNIX datagram socket pair, an 8-byte datagram per item, sized by SO_SNDBUF";
  static constexpr Origin kOrigin = Origin::posix;
  static constexpr bool kProcessShared = true;
  static constexpr QueueCapacity kCapacity = QueueCapacity::at_least;

  explicit SocketpairQueue(std::uint32_t capacity) {
    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, fds_) != 0) {
      throw std::system_error(errno, std::generic_category(), "queue socketpair: socketpair");
    }
    try {
      size_send_buffer(capacity);
    } catch (...) {
      close_both();
      throw;
    }
  }
  ~SocketpairQueue() { close_both(); }
  SocketpairQueue(const SocketpairQueue&) = delete;
  SocketpairQueue& operator=(const SocketpairQueue&) = delete;

  bool try_push(std::uint64_t item) { return transfer(send(fds_[1], &item, sizeof(item), MSG_DONTWAIT)); }
  bool try_pop(std::uint64_t& out) { return transfer(recv(fds_[0], &out, sizeof(out), MSG_DONTWAIT)); }

  void push(std::uint64_t item) {
    while (!transfer(send(fds_[1], &item, sizeof(item), 0))) {
    }
  }

  std::uint64_t pop() {
    std::uint64_t item = 0;
    while (!transfer(recv(fds_[0], &item, sizeof(item), 0))) {
    }
    return item;
  }

  // The sending end's buffer in bytes, as the kernel set it.
  int send_buffer_bytes() const { return get_int(fds_[1], SO_SNDBUF); }

 private:
  // True when one whole item moved; false when the call would block or was interrupted by a
  // signal (a blocking caller tries again).
  static bool transfer(ssize_t n) {
    if (n == static_cast<ssize_t>(sizeof(std::uint64_t))) return true;
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
    std::abort();  // a truncated datagram (we send only 8 bytes) or a broken descriptor
  }

  static int get_int(int fd, int option) {
    int value = 0;
    socklen_t length = sizeof(value);
    return getsockopt(fd, SOL_SOCKET, option, &value, &length) == 0 ? value : -1;
  }

  // Bytes one 8-byte datagram is charged to the sending socket while it is in flight.
  std::uint64_t charge_per_item() {
    std::uint32_t before[SK_MEMINFO_VARS] = {};
    std::uint32_t during[SK_MEMINFO_VARS] = {};
    socklen_t length = sizeof(before);
    if (getsockopt(fds_[1], SOL_SOCKET, SO_MEMINFO, before, &length) != 0) {
      throw std::system_error(errno, std::generic_category(), "queue socketpair: SO_MEMINFO");
    }
    std::uint64_t item = 1;
    if (send(fds_[1], &item, sizeof(item), MSG_DONTWAIT) != static_cast<ssize_t>(sizeof(item))) {
      throw std::system_error(errno, std::generic_category(), "queue socketpair: send");
    }
    length = sizeof(during);
    const int measured = getsockopt(fds_[1], SOL_SOCKET, SO_MEMINFO, during, &length);
    const int error = errno;
    if (recv(fds_[0], &item, sizeof(item), MSG_DONTWAIT) != static_cast<ssize_t>(sizeof(item))) {
      throw std::system_error(errno, std::generic_category(), "queue socketpair: recv");
    }
    if (measured != 0) throw std::system_error(error, std::generic_category(), "queue socketpair: SO_MEMINFO");
    const std::uint32_t charge = during[SK_MEMINFO_WMEM_ALLOC] - before[SK_MEMINFO_WMEM_ALLOC];
    if (charge == 0) throw std::system_error(EPROTO, std::generic_category(), "queue socketpair: no send charge");
    return charge;
  }

  // Sets the send buffer so that exactly `capacity` datagrams fit (at least, below the kernel's
  // minimum buffer), or throws.
  void size_send_buffer(std::uint32_t capacity) {
    const std::uint64_t charge = charge_per_item();
    // A send is refused once the charge reaches the buffer: `capacity` items need a buffer above
    // (capacity - 1) charges, and one more charge would admit one more item.
    const std::uint64_t needed = (capacity > 1 ? capacity - 1 : 0) * charge + 1;
    const std::uint64_t request = (needed + 1) / 2;  // Linux doubles it
    if (request > INT_MAX) refuse(capacity, needed);
    const int value = static_cast<int>(request);
    // Capped by net.core.wmem_max; without CAP_NET_ADMIN the second call fails, which is fine.
    if (setsockopt(fds_[1], SOL_SOCKET, SO_SNDBUF, &value, sizeof(value)) != 0) {
      throw std::system_error(errno, std::generic_category(), "queue socketpair: SO_SNDBUF");
    }
    if (static_cast<std::uint64_t>(send_buffer_bytes()) >= needed) return;
    (void)setsockopt(fds_[1], SOL_SOCKET, SO_SNDBUFFORCE, &value, sizeof(value));
    if (static_cast<std::uint64_t>(send_buffer_bytes()) >= needed) return;
    refuse(capacity, needed);
  }

  [[noreturn]] void refuse(std::uint32_t capacity, std::uint64_t needed) const {
    throw std::system_error(ENOBUFS, std::generic_category(),
                            "queue socketpair: " + std::to_string(capacity) + " items need a send buffer of " +
                                std::to_string(needed) + " bytes, the kernel gave " +
                                std::to_string(send_buffer_bytes()) +
                                " (raise net.core.wmem_max to half the need, or run with CAP_NET_ADMIN)");
  }

  void close_both() {
    close(fds_[0]);
    close(fds_[1]);
  }

  int fds_[2] = {-1, -1};  // {receiving end, sending end}
};

}  // namespace contend
