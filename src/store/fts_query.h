// Turns a user's search words into a safe FTS5 MATCH expression (SPEC 6): each word quoted
// (FTS syntax never exposed) and ANDed, with a prefix match on the last word.
// "order stat" -> "\"order\" \"stat\"*". Pure; thread-safe.
#ifndef BOTMON_STORE_FTS_QUERY_H_
#define BOTMON_STORE_FTS_QUERY_H_

#include <string>
#include <string_view>

namespace botmon {

// "" when there are no words. At most 32 words and 256 bytes of input are used.
std::string BuildFtsQuery(std::string_view words);

}  // namespace botmon

#endif  // BOTMON_STORE_FTS_QUERY_H_
