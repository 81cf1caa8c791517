botmon_module(store
  SOURCES store/records.cc store/sqlite_db.cc store/sqlite_schema.cc store/sqlite_store.cc
          store/sqlite_sessions.cc store/sqlite_alerting.cc store/sqlite_users.cc
          store/fts_query.cc
  DEPS botmon_core SQLite::SQLite3)

botmon_test(store_test
  SOURCES store/sqlite_store_test.cc store/sqlite_alerting_test.cc store/sqlite_users_test.cc store/fts_query_test.cc
  DEPS botmon_store)
