#include "series/field_catalog.h"

#include <mutex>

namespace botmon {
namespace {

FieldDesc CustomDesc(std::string_view name, FieldKind kind) {
  FieldDesc d;
  d.name = std::string(name);
  d.kind = kind;
  d.across = Across::kSum;
  d.dims = kDimBot | kDimChannel;
  d.custom = true;
  return d;
}

}  // namespace

std::optional<FieldDesc> FieldCatalog::Find(std::string_view name) const {
  if (const FieldInfo* f = FindBuiltinField(name)) {
    const bool ms = f->unit == "ms";
    return FieldDesc{std::string(f->name), f->kind, f->across,       f->dims,
                     f->percent,           false,   f->percent || ms};
  }
  std::shared_lock lock(mu_);
  auto it = custom_.find(name);
  if (it == custom_.end()) return std::nullopt;
  return CustomDesc(name, it->second);
}

StatusOr<bool> FieldCatalog::UseCustom(std::string_view name, FieldKind kind) {
  if (FindBuiltinField(name) != nullptr) {
    return Status::InvalidArgument("name: \"" + std::string(name) + "\" is a built-in field");
  }
  {
    std::shared_lock lock(mu_);
    auto it = custom_.find(name);
    if (it != custom_.end()) {
      if (it->second == kind) return false;
      return Status::InvalidArgument("name: \"" + std::string(name) + "\" is a " +
                                     (it->second == FieldKind::kCounter ? "counter" : "gauge") +
                                     " (a custom field keeps the kind of its first use)");
    }
  }
  std::unique_lock lock(mu_);
  auto [it, inserted] = custom_.emplace(std::string(name), kind);
  if (!inserted && it->second != kind) {
    return Status::InvalidArgument("name: \"" + std::string(name) + "\" changed kind");
  }
  return inserted;
}

std::vector<FieldDesc> FieldCatalog::Customs() const {
  std::shared_lock lock(mu_);
  std::vector<FieldDesc> out;
  for (const auto& [name, kind] : custom_) out.push_back(CustomDesc(name, kind));
  return out;
}

std::string FieldCatalog::Serialize() const {
  std::shared_lock lock(mu_);
  std::string out;
  for (const auto& [name, kind] : custom_) {
    if (!out.empty()) out += ',';
    out += name;
    out += kind == FieldKind::kCounter ? "=counter" : "=gauge";
  }
  return out;
}

Status FieldCatalog::Load(std::string_view text) {
  std::map<std::string, FieldKind, std::less<>> loaded;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(pos, end - pos);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) return Status::Corruption("custom_fields: bad item");
    std::string_view name = item.substr(0, eq), kind = item.substr(eq + 1);
    if (!IsValidCustomFieldName(name) || (kind != "counter" && kind != "gauge")) {
      return Status::Corruption("custom_fields: bad item \"" + std::string(item) + "\"");
    }
    loaded[std::string(name)] = kind == "counter" ? FieldKind::kCounter : FieldKind::kGauge;
    pos = end + 1;
  }
  std::unique_lock lock(mu_);
  custom_ = std::move(loaded);
  return Status::OK();
}

}  // namespace botmon
