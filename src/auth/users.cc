#include "auth/users.h"

#include <string>

#include "auth/password.h"
#include "core/log.h"

namespace botmon {

bool ValidUserName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Status EnsureFirstAdmin(Store* store, Clock* clock, const char* env_password, std::FILE* out) {
  ASSIGN_OR_RETURN(auto users, store->ListUsers());
  const bool from_env = env_password != nullptr && env_password[0] != '\0';
  if (!users.empty()) {
    if (from_env) {
      LOG_INFO("BOTMON_ADMIN_PASSWORD is ignored: users already exist (passwords are kept)");
    }
    return Status::OK();
  }
  const std::string password = from_env ? std::string(env_password) : GeneratePassword();
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  Status st = store->CreateUser({"admin", "admin", hash, clock->NowMs()});
  // Another process (a second server on the same store) may have just made it.
  if (st.code() == StatusCode::kAlreadyExists) return Status::OK();
  RETURN_IF_ERROR(st);
  if (from_env) {
    LOG_INFO("created dashboard user \"admin\" with the password from BOTMON_ADMIN_PASSWORD");
  } else {
    std::fprintf(out,
                 "botmon: created dashboard user \"admin\" with password %s (shown only once)\n",
                 password.c_str());
    std::fflush(out);
  }
  return Status::OK();
}

}  // namespace botmon
