botmon_module(auth
  SOURCES auth/token.cc auth/token_cache.cc auth/password.cc auth/login_limiter.cc
          auth/login_sessions.cc auth/users.cc
  DEPS botmon_core botmon_store botmon_http OpenSSL::Crypto PkgConfig::SODIUM)

botmon_test(auth_test
  SOURCES auth/token_test.cc auth/password_test.cc auth/login_limiter_test.cc
          auth/login_sessions_test.cc
  DEPS botmon_auth)
