#include "support/redis_server.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <chrono>
#include <memory>
#include <thread>

namespace botmon::testing {
namespace {

constexpr int kStartTimeoutMs = 20'000;

struct RedisFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ContextPtr = std::unique_ptr<redisContext, RedisFree>;
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

ReplyPtr Run(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  return ReplyPtr(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data())));
}

}  // namespace

RedisServer::~RedisServer() {
  Stop();
  RemoveTree(dir_);
}

Status RedisServer::Start(const std::string& password) {
  if (server_.running()) return Status::OK();
  if (!HaveProgram("redis-server")) return Status::NotFound("redis-server is not installed");
  if (dir_.empty()) dir_ = MakeTempDir("redis");
  if (dir_.empty()) return Status::IoError("cannot create a temp dir for Redis");
  if (port_ == 0) port_ = FreeTcpPort();
  password_ = password;
  std::vector<std::string> argv = {"redis-server",
                                   "--port",
                                   std::to_string(port_),
                                   "--bind",
                                   "127.0.0.1",
                                   "--save",
                                   "",
                                   "--appendonly",
                                   "no",
                                   "--dir",
                                   dir_,
                                   "--daemonize",
                                   "no"};
  if (!password.empty()) argv.insert(argv.end(), {"--requirepass", password});
  if (!server_.Start(argv, dir_ + "/redis.log")) return Status::Internal("cannot start redis");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kStartTimeoutMs);
  for (;;) {
    if (!server_.running()) return Status::Internal("redis-server exited: " + Log());
    StatusOr<std::string> pong = Command({"PING"});
    if (pong.ok() && *pong == "PONG") return Status::OK();
    if (std::chrono::steady_clock::now() >= deadline) {
      Stop();
      return Status::Unavailable("redis-server did not answer in time: " + Log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void RedisServer::Stop() { server_.Stop(); }

bool RedisServer::running() { return server_.running(); }

std::string RedisServer::url() const {
  return "redis://" + (password_.empty() ? "" : ":" + password_ + "@") +
         "127.0.0.1:" + std::to_string(port_);
}

StatusOr<std::string> RedisServer::Command(const std::vector<std::string>& args) {
  timeval tv{5, 0};
  ContextPtr c(redisConnectWithTimeout("127.0.0.1", port_, tv));
  if (!c || c->err) {
    return Status::Unavailable("cannot connect to redis: " + std::string(c ? c->errstr : "oom"));
  }
  redisSetTimeout(c.get(), tv);
  if (!password_.empty()) {
    ReplyPtr auth = Run(c.get(), {"AUTH", password_});
    if (!auth || auth->type == REDIS_REPLY_ERROR) {
      return Status::PermissionDenied("AUTH failed: " + std::string(auth ? auth->str : c->errstr));
    }
  }
  ReplyPtr r = Run(c.get(), args);
  if (!r) return Status::Unavailable("redis: " + std::string(c->errstr));
  switch (r->type) {
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_STRING:
      return std::string(r->str, r->len);
    case REDIS_REPLY_INTEGER:
      return std::to_string(r->integer);
    case REDIS_REPLY_NIL:
      return std::string("(nil)");
    case REDIS_REPLY_ERROR:
      return Status::InvalidArgument(std::string(r->str, r->len));
    default:
      return std::string("(array)");
  }
}

}  // namespace botmon::testing
