#include "support/raw_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

namespace botmon::testing {

RawPeer::RawPeer(std::string reply, After after, bool accept)
    : reply_(std::move(reply)), after_(after) {
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      listen(listen_fd_, 16) == 0) {
    socklen_t len = sizeof a;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  if (accept) thread_ = std::thread([this] { Serve(); });
}

RawPeer::~RawPeer() {
  uint64_t one = 1;
  ssize_t n = write(stop_fd_, &one, sizeof one);
  (void)n;
  if (thread_.joinable()) thread_.join();
  close(listen_fd_);
  close(stop_fd_);
}

void RawPeer::Serve() {
  std::vector<int> open;
  for (;;) {
    pollfd p[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (poll(p, 2, -1) < 0 || (p[1].revents & POLLIN)) break;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    // Wait (up to 5 s, or the stop) for the client's first bytes, then answer.
    pollfd q[2] = {{fd, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (poll(q, 2, 5000) > 0 && (q[1].revents & POLLIN) == 0) {
      char buf[4096];
      ssize_t got = recv(fd, buf, sizeof buf, 0);
      (void)got;
      size_t off = 0;
      while (off < reply_.size()) {
        ssize_t n = send(fd, reply_.data() + off, reply_.size() - off, MSG_NOSIGNAL);
        if (n <= 0) break;
        off += static_cast<size_t>(n);
      }
    }
    if (after_ == After::kClose) {
      // FIN first, then drain until the client closes (up to 2 s), so that unread input does
      // not turn the close into a reset that could discard the reply.
      shutdown(fd, SHUT_WR);
      char buf[4096];
      while (poll(q, 1, 2000) > 0 && recv(fd, buf, sizeof buf, 0) > 0) {
      }
      close(fd);
    } else {
      open.push_back(fd);
    }
  }
  for (int fd : open) close(fd);
}

}  // namespace botmon::testing
