// The Redis probe (SPEC 8): one non-blocking TCP connection that sends, pipelined, `AUTH [user]
// password` (when a password is configured), `PING` and `INFO`, reads the RESP replies into a
// buffer capped at kMaxReplyBytes, and turns INFO into version, hit rate and used memory
// (redis_reply.h). Any error reply (NOAUTH, WRONGPASS), an unexpected or malformed reply, a refused
// or closed connection ends the attempt as stopped with the reason.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "core/duration.h"
#include "probe/probe.h"
#include "probe/redis_reply.h"

namespace botmon {
namespace {

// INFO is a few KB; anything near this is not a Redis we understand.
constexpr size_t kMaxReplyBytes = size_t{1024} * 1024 + 4096;

std::string ErrnoText(int err) {
  char buf[256];
  return strerror_r(err, buf, sizeof buf);  // GNU variant: returns the message
}

void AppendCommand(std::string* out, std::initializer_list<std::string_view> args) {
  *out += "*" + std::to_string(args.size()) + "\r\n";
  for (std::string_view a : args) {
    *out += "$" + std::to_string(a.size()) + "\r\n";
    out->append(a);
    *out += "\r\n";
  }
}

class RedisProbeOp : public ProbeOp {
 public:
  RedisProbeOp(const CheckConfig& check, ProbeMemory* memory, int64_t now_ms)
      : memory_(memory), started_ms_(now_ms) {
    connect_timeout_ms_ =
        check.connect_timeout_ms > 0 ? check.connect_timeout_ms : check.timeout_ms;
    connect_deadline_ms_ = now_ms + connect_timeout_ms_;
    StatusOr<RedisUrl> url = ParseRedisUrl(check.url);
    if (!url.ok()) {
      Fail(url.status().message(), now_ms);
      return;
    }
    // The check's own credentials override the URL's.
    std::string username = check.username.empty() ? url->username : check.username;
    std::string password = check.password.empty() ? url->password : check.password;
    if (!password.empty()) {
      if (username.empty()) {
        AppendCommand(&out_, {"AUTH", password});
      } else {
        AppendCommand(&out_, {"AUTH", username, password});
      }
      expected_.push_back(kAuth);
    }
    AppendCommand(&out_, {"PING"});
    expected_.push_back(kPing);
    AppendCommand(&out_, {"INFO"});
    expected_.push_back(kInfo);
    Connect(*url, now_ms);
  }

  ~RedisProbeOp() override {
    if (fd_ >= 0) close(fd_);
  }
  RedisProbeOp(const RedisProbeOp&) = delete;
  RedisProbeOp& operator=(const RedisProbeOp&) = delete;

  bool Step(std::span<const pollfd> ready, int64_t now_ms, ProbeWait* next) override {
    if (done_) return true;
    short revents = 0;
    for (const pollfd& p : ready) {
      if (p.fd == fd_) revents |= p.revents;
    }
    if (connecting_) {
      if (revents == 0) {
        if (now_ms >= connect_deadline_ms_) {
          return Fail(
              "connect to " + where_ + " timed out after " + FormatDuration(connect_timeout_ms_),
              now_ms);
        }
        Wait(next, POLLOUT, connect_deadline_ms_);
        return false;
      }
      int err = 0;
      socklen_t len = sizeof err;
      if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      if (err != 0) return Fail("connect to " + where_ + ": " + ErrnoText(err), now_ms);
      connecting_ = false;
      revents = POLLOUT;
    }
    if (sent_ < out_.size() && (revents & (POLLOUT | POLLERR | POLLHUP))) {
      Send(now_ms);
      if (done_) return true;
    }
    if (revents & (POLLIN | POLLERR | POLLHUP)) {
      Receive(now_ms);
      if (!done_) ParseReplies(now_ms);
      if (done_) return true;
      if (eof_) {
        return Fail("connection closed by " + where_ + " before the reply to " +
                        kCommandNames[expected_[next_reply_]],
                    now_ms);
      }
    }
    Wait(next, sent_ < out_.size() ? POLLIN | POLLOUT : POLLIN, 0);
    return false;
  }

  ProbeResult Result() override { return result_; }

 private:
  enum Command { kAuth, kPing, kInfo };
  static constexpr const char* kCommandNames[] = {"AUTH", "PING", "INFO"};

  void Connect(const RedisUrl& url, int64_t now_ms) {
    where_ = url.host + ":" + std::to_string(url.port);
    sockaddr_storage addr{};
    socklen_t addr_len = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
    std::string host = url.host == "localhost" ? "127.0.0.1" : url.host;
    if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
      v4->sin_family = AF_INET;
      v4->sin_port = htons(static_cast<uint16_t>(url.port));
      addr_len = sizeof *v4;
    } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(static_cast<uint16_t>(url.port));
      addr_len = sizeof *v6;
    } else {
      // A name: resolved here, from /etc/hosts or DNS. Numeric addresses never get here.
      addrinfo hints{};
      hints.ai_socktype = SOCK_STREAM;
      addrinfo* res = nullptr;
      int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
      if (rc != 0 || res == nullptr) {
        Fail("cannot resolve " + url.host + ": " + gai_strerror(rc), now_ms);
        return;
      }
      std::memcpy(&addr, res->ai_addr, res->ai_addrlen);
      addr_len = res->ai_addrlen;
      freeaddrinfo(res);
      if (addr.ss_family == AF_INET) v4->sin_port = htons(static_cast<uint16_t>(url.port));
      if (addr.ss_family == AF_INET6) v6->sin6_port = htons(static_cast<uint16_t>(url.port));
    }
    fd_ = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      Fail("socket: " + ErrnoText(errno), now_ms);
      return;
    }
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), addr_len) == 0) {
      connecting_ = true;  // Step() sees it writable at once
    } else if (errno == EINPROGRESS) {
      connecting_ = true;
    } else {
      Fail("connect to " + where_ + ": " + ErrnoText(errno), now_ms);
    }
  }

  void Wait(ProbeWait* next, short events, int64_t wake_at_ms) {
    next->fds.assign(1, pollfd{fd_, events, 0});
    next->wake_at_ms = wake_at_ms;
  }

  // Sends what the socket takes; ends the attempt on an error.
  void Send(int64_t now_ms) {
    while (sent_ < out_.size()) {
      ssize_t n = send(fd_, out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
      if (n > 0) {
        sent_ += static_cast<size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return;
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        Fail("send to " + where_ + ": " + ErrnoText(n < 0 ? errno : EPIPE), now_ms);
        return;
      }
    }
  }

  // Reads what has arrived, up to end of stream; ends the attempt on an error or an oversized
  // reply.
  void Receive(int64_t now_ms) {
    char buf[16384];
    for (;;) {
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        in_.append(buf, static_cast<size_t>(n));
        if (in_.size() > kMaxReplyBytes) {
          Fail("reply from " + where_ + " larger than " + std::to_string(kMaxReplyBytes) + " bytes",
               now_ms);
          return;
        }
      } else if (n == 0) {
        eof_ = true;
        return;
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return;
      } else if (errno != EINTR) {
        Fail("receive from " + where_ + ": " + ErrnoText(errno), now_ms);
        return;
      }
    }
  }

  // Consumes every complete reply in in_; the attempt ends at the first error reply, at a
  // malformed reply, or with the INFO reply.
  void ParseReplies(int64_t now_ms) {
    while (!done_ && next_reply_ < expected_.size()) {
      std::optional<RespValue> reply;
      size_t consumed = 0;
      Status st = ParseResp(std::string_view(in_).substr(parsed_), RespLimits{}, &reply, &consumed);
      if (!st.ok()) {
        Fail(st.message(), now_ms);
        return;
      }
      if (!reply) return;  // wait for the rest
      parsed_ += consumed;
      Command cmd = expected_[next_reply_++];
      HandleReply(cmd, *reply, now_ms);
    }
  }

  void HandleReply(Command cmd, const RespValue& reply, int64_t now_ms) {
    const std::string name = kCommandNames[cmd];
    if (reply.type == RespValue::Type::kError) {
      Fail(name + " failed: " + reply.text, now_ms);
      return;
    }
    if (cmd == kAuth || cmd == kPing) {
      const std::string want = cmd == kAuth ? "OK" : "PONG";
      if (reply.type != RespValue::Type::kSimple || reply.text != want) {
        Fail("unexpected reply to " + name + " (expected +" + want + ")", now_ms);
      }
      return;
    }
    if (reply.type != RespValue::Type::kBulk) {
      Fail("unexpected reply to INFO (expected a bulk string)", now_ms);
      return;
    }
    StatusOr<RedisInfo> info = ParseRedisInfo(reply.text);
    if (!info.ok()) {
      Fail(info.status().message(), now_ms);
      return;
    }
    FillRedisResult(*info, memory_, now_ms, &result_);
    result_.latency_ms = static_cast<double>(now_ms - started_ms_);
    done_ = true;
  }

  bool Fail(std::string error, int64_t now_ms) {
    result_ = ProbeResult{};
    result_.status = ServiceStatus::kStopped;
    result_.error = std::move(error);
    result_.latency_ms = static_cast<double>(now_ms - started_ms_);
    done_ = true;
    return true;
  }

  ProbeMemory* memory_;
  int64_t started_ms_;
  int64_t connect_deadline_ms_ = 0;
  int64_t connect_timeout_ms_ = 0;
  std::string where_;
  int fd_ = -1;
  bool connecting_ = false;
  bool eof_ = false;
  bool done_ = false;
  std::string out_;  // the pipelined commands
  size_t sent_ = 0;
  std::string in_;  // everything received
  size_t parsed_ = 0;
  std::vector<Command> expected_;
  size_t next_reply_ = 0;
  ProbeResult result_;
};

}  // namespace

std::unique_ptr<ProbeOp> StartRedisProbe(const CheckConfig& check, ProbeMemory* memory,
                                         int64_t now_ms) {
  return std::make_unique<RedisProbeOp>(check, memory, now_ms);
}

}  // namespace botmon
