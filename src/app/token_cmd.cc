#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "app/commands.h"
#include "auth/password.h"
#include "auth/token.h"
#include "auth/users.h"
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

// One line from stdin without its line ending; false at end of input.
bool ReadLine(std::string* out) {
  if (!std::getline(std::cin, *out)) return false;
  if (!out->empty() && out->back() == '\r') out->pop_back();
  return true;
}

// Prompts on stderr and reads a line with echo off.
bool ReadHidden(const char* prompt, std::string* out) {
  std::fprintf(stderr, "%s", prompt);
  std::fflush(stderr);
  termios old{};
  const bool tty = ::tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  const bool ok = ReadLine(out);
  if (tty) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  std::fprintf(stderr, "\n");
  return ok;
}

// The new user's password: generated, or from stdin (one line when not a terminal, else typed
// twice). An empty optional after printing the reason (exit 2).
std::optional<std::string> ObtainPassword(bool generate) {
  if (generate) return GeneratePassword();
  std::string pw;
  if (!::isatty(STDIN_FILENO)) {
    if (!ReadLine(&pw)) {
      std::fprintf(stderr, "botmon: no password on stdin (one line expected)\n");
      return std::nullopt;
    }
  } else {
    std::string again;
    if (!ReadHidden("Password: ", &pw) || !ReadHidden("Password (again): ", &again)) {
      return std::nullopt;
    }
    if (pw != again) {
      std::fprintf(stderr, "botmon: the passwords differ\n");
      return std::nullopt;
    }
  }
  if (pw.size() < kMinPasswordLength || pw.size() > kMaxPasswordLength) {
    std::fprintf(stderr, "botmon: a password has %zu to %zu characters\n", kMinPasswordLength,
                 kMaxPasswordLength);
    return std::nullopt;
  }
  return pw;
}

}  // namespace

int UserAdd(const StoreFlags& f, const std::string& name, const std::string& role, bool generate) {
  if (role != "admin" && role != "monitor") {
    return Fail(Status::InvalidArgument("--role: \"" + role + "\" is not one of admin, monitor"),
                2);
  }
  if (!ValidUserName(name)) {
    return Fail(Status::InvalidArgument("NAME: 1 to 64 of A-Z a-z 0-9 . _ @ -"), 2);
  }
  int code = 1;
  auto store = OpenForCommand(f, &code);
  if (!store.ok()) return Fail(store.status(), code);
  // Checked before asking for a password, so that nobody types one for nothing.
  auto existing = (*store)->GetUser(name);
  if (!existing.ok()) return Fail(existing.status(), 1);
  if (existing->has_value()) {
    return Fail(Status::AlreadyExists("a user named \"" + name + "\" already exists"), 2);
  }
  std::optional<std::string> password = ObtainPassword(generate);
  if (!password) return 2;
  auto hash = HashPassword(*password);
  if (!hash.ok()) return Fail(hash.status(), 1);
  const int64_t now = Clock::Real()->NowMs();
  Status st = (*store)->CreateUser({name, role, *hash, now});
  if (!st.ok()) return Fail(st, st.code() == StatusCode::kAlreadyExists ? 2 : 1);
  // Names are restricted to JSON-safe characters (ValidUserName), so no escaping is needed.
  (void)(*store)->AppendAudit({0, now, "cli", "user.create", name, "",
                               "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}"});
  if (generate) {
    std::fprintf(stdout, "%s\n", password->c_str());
    std::fflush(stdout);
  }
  std::fprintf(stderr, "created user \"%s\" (role %s)%s\n", name.c_str(), role.c_str(),
               generate ? "; the password is shown only once" : "");
  return 0;
}

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
