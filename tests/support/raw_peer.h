// Test support: a scripted TCP peer on 127.0.0.1 for hostile-reply tests of protocol clients
// (what a real server never sends): it accepts connections, waits for the client's first bytes,
// sends a fixed reply, then closes or keeps the connection open until destroyed. With
// `accept = false` it never accepts, so connects complete (the kernel's backlog) but nothing is
// ever read or answered.
//
// Thread-safety: construct and destroy on one thread; a background thread serves connections.
#ifndef BOTMON_TESTS_SUPPORT_RAW_PEER_H_
#define BOTMON_TESTS_SUPPORT_RAW_PEER_H_

#include <atomic>
#include <string>
#include <thread>

namespace botmon::testing {

class RawPeer {
 public:
  enum class After { kClose, kHang };

  RawPeer(std::string reply, After after, bool accept = true);
  ~RawPeer();
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;

  int port() const { return port_; }
  int connections() const { return connections_.load(); }

 private:
  void Serve();

  std::string reply_;
  After after_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace botmon::testing

#endif  // BOTMON_TESTS_SUPPORT_RAW_PEER_H_
