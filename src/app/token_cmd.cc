#include <cstdio>

#include "app/commands.h"
#include "auth/token.h"
#include "config/load.h"
#include "core/clock.h"
#include "core/fs.h"
#include "core/random.h"
#include "core/time_util.h"
#include "http/server.h"
#include "store/store.h"

namespace botmon {
namespace {

// Opens the store the way `serve` would find it (--data-dir, BOTMON_DATA_DIR, botmon.yaml).
StatusOr<std::unique_ptr<Store>> OpenForCommand(const StoreFlags& f, int* exit_code) {
  ConfigSources src;
  src.config_file = f.config;
  if (f.data_dir) src.flags["dataDir"] = *f.data_dir;
  if (f.store) src.flags["store"] = *f.store;
  src.env = ProcessEnvironment();
  auto loaded = LoadConfig(src);
  if (!loaded.ok()) {
    *exit_code = 2;
    return loaded.status();
  }
  const Config& c = loaded->config;
  Status st = MakeDirs(c.data_dir, 0700);
  if (!st.ok()) {
    *exit_code = 1;
    return st;
  }
  auto store = OpenStore(c.store, c.data_dir, 1);
  if (!store.ok()) {
    *exit_code = store.status().code() == StatusCode::kUnimplemented ? 2 : 1;
    return store.status();
  }
  return store;
}

int Fail(const Status& s, int code) {
  std::fprintf(stderr, "botmon: %s\n", s.message().c_str());
  return code;
}

}  // namespace

int TokenCreate(const StoreFlags& f, const std::string& name, const std::string& role) {
  Role r;
  if (!ParseRole(role, &r) || r == Role::kNone) {
    return Fail(
        Status::InvalidArgument("--role: \"" + role + "\" is not one of admin, monitor, ingest"),
        2);
  }
  if (name.empty() || name.size() > 128) {
    return Fail(Status::InvalidArgument("--name: 1 to 128 characters"), 2);
  }
  int code = 1;
  auto store = OpenForCommand(f, &code);
  if (!store.ok()) return Fail(store.status(), code);
  const std::string token = GenerateToken();
  TokenRecord rec{NewUuidV4(), name, role, HashToken(token), Clock::Real()->NowMs(), std::nullopt};
  Status st = (*store)->CreateToken(rec);
  if (!st.ok()) return Fail(st, st.code() == StatusCode::kAlreadyExists ? 2 : 1);
  // Only the token goes to stdout, so that `T=$(botmon token create ...)` works.
  std::fprintf(stdout, "%s\n", token.c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "created token \"%s\" (role %s, id %s); it is shown only once\n",
               name.c_str(), role.c_str(), rec.id.c_str());
  return 0;
}

int TokenList(const StoreFlags& f) {
  int code = 1;
  auto store = OpenForCommand(f, &code);
  if (!store.ok()) return Fail(store.status(), code);
  auto tokens = (*store)->ListTokens();
  if (!tokens.ok()) return Fail(tokens.status(), 1);
  std::printf("%-24s %-8s %-24s %s\n", "NAME", "ROLE", "CREATED", "LAST USED");
  for (const auto& t : *tokens) {
    std::printf("%-24s %-8s %-24s %s\n", t.name.c_str(), t.role.c_str(),
                FormatRfc3339Ms(t.created_ms).c_str(),
                t.last_used_ms ? FormatRfc3339Ms(*t.last_used_ms).c_str() : "never");
  }
  return 0;
}

int TokenRevoke(const StoreFlags& f, const std::string& name) {
  int code = 1;
  auto store = OpenForCommand(f, &code);
  if (!store.ok()) return Fail(store.status(), code);
  Status st = (*store)->RevokeToken(name);
  if (!st.ok()) return Fail(st, st.code() == StatusCode::kNotFound ? 2 : 1);
  std::fprintf(stderr, "revoked token \"%s\"\n", name.c_str());
  return 0;
}

}  // namespace botmon
