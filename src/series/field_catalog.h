// FieldCatalog: the built-in fields plus the custom fields bots have sent (SPEC 1.1). A custom
// field keeps the kind (gauge or counter) of its first use; a later event of the other kind is
// rejected. Custom gauges and counters combine across series by sum, like queue.depth.
//
// Thread-safe (a shared mutex; lookups of built-ins take no lock).
#ifndef BOTMON_SERIES_FIELD_CATALOG_H_
#define BOTMON_SERIES_FIELD_CATALOG_H_

#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "series/fields.h"

namespace botmon {

struct FieldDesc {
  std::string name;
  FieldKind kind = FieldKind::kGauge;
  Across across = Across::kSum;
  uint8_t dims = kDimNone;
  bool percent = false;
  bool custom = false;
  // Stored as integer hundredths (SPEC 13 quantizes percentages to 0.01; botmon also stores
  // millisecond latencies at 0.01 ms, far below the sketches' 0.5 % error, to keep samples small).
  bool hundredths = false;
};

class FieldCatalog {
 public:
  // Built-in or known custom field.
  std::optional<FieldDesc> Find(std::string_view name) const;

  // Registers a custom field on first use. Returns true when it was new (so the caller persists
  // the catalogue); kInvalidArgument when `name` exists with the other kind or is a built-in.
  StatusOr<bool> UseCustom(std::string_view name, FieldKind kind);

  // Every custom field, by name.
  std::vector<FieldDesc> Customs() const;

  // Persistence as "name=gauge,name2=counter" (meta key "custom_fields").
  std::string Serialize() const;
  Status Load(std::string_view text);

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, FieldKind, std::less<>> custom_;  // GUARDED_BY(mu_)
};

}  // namespace botmon

#endif  // BOTMON_SERIES_FIELD_CATALOG_H_
