// The SQLite schema and its migrations: an ordered list of scripts; `meta.schema_version` says
// how many have run. A migration runs in its own transaction. Never edit a released migration:
// append a new one.
#ifndef BOTMON_STORE_SQLITE_SCHEMA_H_
#define BOTMON_STORE_SQLITE_SCHEMA_H_

#include "core/status.h"
#include "store/sqlite_db.h"

namespace botmon {

// Brings the database to the latest schema. Fails (without changes) on a database written by a
// newer botmon.
Status MigrateSqlite(Db* db);
int LatestSchemaVersion();

}  // namespace botmon

#endif  // BOTMON_STORE_SQLITE_SCHEMA_H_
