botmon_module(auth
  SOURCES auth/token.cc auth/token_cache.cc
  DEPS botmon_core botmon_store botmon_http OpenSSL::Crypto)

botmon_test(auth_test
  SOURCES auth/token_test.cc
  DEPS botmon_auth)
