#include "config/yaml_json.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "config/values.h"

namespace botmon::config_internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?  (YAML 1.2 core float)
bool LooksLikeFloat(std::string_view t) {
  size_t i = 0;
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
  size_t int_digits = 0;
  while (i < t.size() && IsDigit(t[i])) ++i, ++int_digits;
  size_t frac_digits = 0;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && IsDigit(t[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < t.size() && IsDigit(t[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == t.size();
}

// 0x... or 0o... into *out when it fits int64.
bool ParseRadix(std::string_view t, int64_t* out) {
  if (t.size() < 3 || t[0] != '0' || (t[1] != 'x' && t[1] != 'o')) return false;
  const uint64_t base = t[1] == 'x' ? 16 : 8;
  uint64_t n = 0;
  for (size_t i = 2; i < t.size(); ++i) {
    char c = t[i];
    uint64_t d;
    if (IsDigit(c)) {
      d = static_cast<uint64_t>(c - '0');
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      d = static_cast<uint64_t>(c - 'a' + 10);
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      d = static_cast<uint64_t>(c - 'A' + 10);
    } else {
      return false;
    }
    if (d >= base) return false;
    if (n > (static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) - d) / base) return false;
    n = n * base + d;
  }
  *out = static_cast<int64_t>(n);
  return true;
}

std::string MarkText(const YAML::Mark& m) {
  return std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

struct Converter {
  size_t* budget;
  YAML::Mark* where;

  Status Fail(const YAML::Node& node, const std::string& path, const std::string& msg) {
    *where = node.Mark();
    return Status::InvalidArgument(path.empty() ? msg : path + ": " + msg);
  }

  StatusOr<nlohmann::json> Convert(const YAML::Node& node, const std::string& path, int depth) {
    if (++*budget > kMaxNodes) {
      return Fail(node, path,
                  "more than " + std::to_string(kMaxNodes) + " values (aliases expand too far?)");
    }
    if (depth > kMaxDepth) {
      return Fail(node, path, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return nlohmann::json(nullptr);
      case YAML::NodeType::Scalar:
        if (IsStringTagged(node)) return nlohmann::json(node.Scalar());
        return ResolvePlainScalar(node.Scalar());
      case YAML::NodeType::Sequence: {
        nlohmann::json arr = nlohmann::json::array();
        size_t i = 0;
        for (const YAML::Node& item : node) {
          ASSIGN_OR_RETURN(nlohmann::json v,
                           Convert(item, path + "[" + std::to_string(i) + "]", depth + 1));
          arr.push_back(std::move(v));
          ++i;
        }
        return arr;
      }
      case YAML::NodeType::Map: {
        nlohmann::json obj = nlohmann::json::object();
        for (const auto& kv : node) {
          const YAML::Node& key = kv.first;
          if (!key.IsScalar()) return Fail(key, path, "keys must be scalars");
          const std::string& name = key.Scalar();
          std::string sub = path.empty() ? name : path + "." + name;
          if (obj.contains(name)) {
            return Fail(key, sub, "duplicate key");
          }
          ASSIGN_OR_RETURN(nlohmann::json v, Convert(kv.second, sub, depth + 1));
          obj[name] = std::move(v);
        }
        return obj;
      }
    }
    return Fail(node, path, "unsupported YAML node");
  }
};

}  // namespace

nlohmann::json ResolvePlainScalar(std::string_view t) {
  if (t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL") {
    return nlohmann::json(nullptr);
  }
  if (t == "true" || t == "True" || t == "TRUE") return true;
  if (t == "false" || t == "False" || t == "FALSE") return false;
  int64_t n = 0;
  if (ParseInt(t, &n)) return n;
  if (ParseRadix(t, &n)) return n;
  if (LooksLikeFloat(t)) {
    std::string s(t);
    double d = std::strtod(s.c_str(), nullptr);
    if (std::isfinite(d)) return d;
  }
  return nlohmann::json(std::string(t));
}

bool IsStringTagged(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  return tag == "!" || tag == "tag:yaml.org,2002:str";
}

StatusOr<nlohmann::json> YamlToJson(const YAML::Node& node, const std::string& path,
                                    YAML::Mark* where, size_t* budget) {
  Converter c{budget, where};
  try {
    return c.Convert(node, path, 0);
  } catch (const std::exception& e) {
    // yaml-cpp throws only on misuse; keep the promise of no exceptions across the module.
    *where = node.Mark();
    return Status::InvalidArgument(std::string("cannot read value at ") + MarkText(node.Mark()) +
                                   ": " + e.what());
  }
}

}  // namespace botmon::config_internal
