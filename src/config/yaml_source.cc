#include "config/yaml_source.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "config/values.h"
#include "config/yaml_json.h"
#include "core/utf8.h"

namespace botmon::config_internal {
namespace {

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Scalar:
      return IsStringTagged(node) ? "the string " + Quoted(node.Scalar()) : Quoted(node.Scalar());
    default:
      return "nothing";
  }
}

// Counts what one document holds, without building it.
class DocumentProbe : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Note(mark, false); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Note(mark, true); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Note(mark, true);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Note(mark, true);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Note(mark, true);
  }
  void OnMapEnd() override {}

  bool has_content() const { return has_content_; }
  const YAML::Mark& first_mark() const { return first_mark_; }

 private:
  void Note(const YAML::Mark& mark, bool content) {
    if (!seen_) first_mark_ = mark;
    seen_ = true;
    has_content_ = has_content_ || content;
  }
  bool seen_ = false;
  bool has_content_ = false;
  YAML::Mark first_mark_;
};

class YamlReader {
 public:
  YamlReader(const std::string& file, Config* config, Origins* origins, Problems* problems)
      : file_(file), config_(config), origins_(origins), problems_(problems) {}

  void Read(std::string_view text) {
    // YAML is Unicode text; yaml-cpp passes invalid bytes through into strings, so refuse them
    // here, where the position can still be given.
    size_t bad = 0;
    if (!ValidUtf8(text, &bad)) {
      problems_->Add(At(MarkAt(text, bad)) + ": invalid UTF-8");
      return;
    }
    YAML::Node root;
    try {
      if (!CheckSingleDocument(text)) return;
      root = YAML::Load(std::string(text));
    } catch (const YAML::ParserException& e) {
      problems_->Add(At(e.mark) + ": syntax error: " + e.msg);
      return;
    } catch (const std::exception& e) {
      problems_->Add(file_ + ": cannot parse: " + e.what());
      return;
    }
    if (root.IsNull()) return;  // empty, comments only, or "~": all defaults
    if (!root.IsMap()) {
      problems_->Add(At(root.Mark()) + ": the top level must be a map of keys, not " +
                     Describe(root));
      return;
    }
    try {
      WalkMap(root, "");
    } catch (const std::exception& e) {
      problems_->Add(file_ + ": cannot read: " + e.what());
    }
  }

 private:
  // botmon.yaml is one document. yaml-cpp 0.7's LoadAll() can loop forever on malformed input
  // (a parser that stops consuming tokens keeps yielding null documents; fixed upstream after
  // 0.8), so documents are counted here with a bounded number of parser calls. Returns false
  // (with a problem added) when there is more than one, or when the parser is stuck.
  // Throws YAML::ParserException on a syntax error.
  bool CheckSingleDocument(std::string_view text) {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    DocumentProbe first;
    if (!parser.HandleNextDocument(first)) return true;  // no document at all
    DocumentProbe second;
    if (!parser.HandleNextDocument(second)) return true;
    if (second.has_content()) {
      problems_->Add(At(second.first_mark()) + ": only one YAML document is allowed");
      return false;
    }
    // A trailing empty document ("---" at the end) is harmless; a third null one means the
    // parser is not advancing.
    DocumentProbe third;
    if (!parser.HandleNextDocument(third)) return true;
    problems_->Add(At(second.first_mark()) + ": syntax error: unexpected token");
    return false;
  }

  static YAML::Mark MarkAt(std::string_view text, size_t offset) {
    YAML::Mark m;
    m.pos = static_cast<int>(offset);
    for (size_t i = 0; i < offset; ++i) {
      if (text[i] == '\n') {
        ++m.line;
        m.column = 0;
      } else {
        ++m.column;
      }
    }
    return m;
  }

  std::string At(const YAML::Mark& m) const {
    return file_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
  }
  void Problem(const YAML::Node& node, std::string_view path, const std::string& msg) {
    problems_->Add(At(node.Mark()) + ": " + std::string(path) + ": " + msg);
  }
  void SetOrigin(std::string_view path, const YAML::Node& key) {
    Origin o;
    o.source = Origin::Source::kFile;
    o.file = file_;
    o.line = key.Mark().line + 1;
    o.col = key.Mark().column + 1;
    (*origins_)[std::string(path)] = std::move(o);
  }
  void Expected(const YAML::Node& at, std::string_view path, Kind kind, const YAML::Node& got) {
    Problem(at, path, "expected " + std::string(ExpectedType(kind)) + ", got " + Describe(got));
  }

  void WalkMap(const YAML::Node& map, const std::string& prefix) {
    std::set<std::string> seen;
    for (const auto& kv : map) {
      const YAML::Node& key = kv.first;
      const YAML::Node& value = kv.second;
      if (!key.IsScalar()) {
        Problem(key, prefix.empty() ? "(top level)" : prefix, "keys must be plain strings");
        continue;
      }
      const std::string& name = key.Scalar();
      const std::string path = prefix.empty() ? name : prefix + "." + name;
      if (!seen.insert(name).second) {
        Problem(key, path, "duplicate key");
        continue;
      }
      const KeySpec* spec = FindKey(path);
      if (spec != nullptr && !spec->botpress_only) {
        if (!value.IsNull()) ApplyLeaf(*spec, key, value);
      } else if (IsSection(path)) {
        if (value.IsNull()) continue;
        if (!value.IsMap()) {
          Problem(key, path, "expected a map of keys, got " + Describe(value));
          continue;
        }
        WalkMap(value, path);
      } else {
        Problem(key, path, "unknown key" + DidYouMeanSuffix(name, ChildNames(prefix)));
      }
    }
  }

  void ApplyLeaf(const KeySpec& spec, const YAML::Node& key, const YAML::Node& value) {
    const std::string path(spec.path);
    switch (spec.kind) {
      case Kind::kString:
      case Kind::kDuration:
      case Kind::kSize:
      case Kind::kInt:
      case Kind::kBool: {
        if (!value.IsScalar()) return Expected(key, path, spec.kind, value);
        // An integer or a boolean written in quotes is a string, as everywhere in YAML.
        if ((spec.kind == Kind::kInt || spec.kind == Kind::kBool) && IsStringTagged(value)) {
          return Expected(key, path, spec.kind, value);
        }
        Status s = SetFromText(spec, value.Scalar(), config_);
        if (!s.ok()) return Problem(key, path, s.message());
        break;
      }
      case Kind::kStringList:
        if (!ReadStringList(spec, key, value)) return;
        break;
      case Kind::kRedactList:
        if (!ReadRedactList(spec, key, value)) return;
        break;
      case Kind::kBoolMap:
        if (!ReadBoolMap(spec, key, value)) return;
        break;
      case Kind::kItemList:
        if (!ReadItems(spec, key, value)) return;
        break;
    }
    SetOrigin(path, key);
  }

  bool ReadStringList(const KeySpec& spec, const YAML::Node& key, const YAML::Node& value) {
    const std::string path(spec.path);
    if (!value.IsSequence()) {
      Expected(key, path, spec.kind, value);
      return false;
    }
    std::vector<std::string> out;
    bool ok = true;
    size_t i = 0;
    for (const YAML::Node& item : value) {
      std::string item_path = path + "[" + std::to_string(i++) + "]";
      if (!item.IsScalar()) {
        Problem(item, item_path, "expected a string, got " + Describe(item));
        ok = false;
        continue;
      }
      std::string problem = CheckMount(item.Scalar());
      if (!problem.empty()) {
        Problem(item, item_path, problem);
        ok = false;
        continue;
      }
      out.push_back(item.Scalar());
    }
    if (ok && out.empty()) {
      Problem(key, path, "must list at least one mount");
      ok = false;
    }
    if (ok) *std::get<std::vector<std::string>*>(spec.field(*config_)) = std::move(out);
    return ok;
  }

  bool ReadRedactList(const KeySpec& spec, const YAML::Node& key, const YAML::Node& value) {
    const std::string path(spec.path);
    if (!value.IsSequence()) {
      Expected(key, path, spec.kind, value);
      return false;
    }
    std::vector<RedactItem> out;
    bool ok = true;
    size_t i = 0;
    for (const YAML::Node& item : value) {
      const std::string item_path = path + "[" + std::to_string(i++) + "]";
      RedactItem r;
      if (item.IsScalar()) {
        r.name = item.Scalar();
      } else if (item.IsMap()) {
        if (!ReadRedactMap(item, item_path, &r)) {
          ok = false;
          continue;
        }
      } else {
        Problem(item, item_path,
                "expected a built-in name or a {name, regex, replace} map, got " + Describe(item));
        ok = false;
        continue;
      }
      std::string problem = CheckRedactItem(r);
      if (problem.empty() && std::any_of(out.begin(), out.end(),
                                         [&](const RedactItem& o) { return o.name == r.name; })) {
        problem = Quoted(r.name) + " is listed twice";
      }
      if (!problem.empty()) {
        Problem(item, item_path, problem);
        ok = false;
        continue;
      }
      out.push_back(std::move(r));
    }
    if (ok) *std::get<std::vector<RedactItem>*>(spec.field(*config_)) = std::move(out);
    return ok;
  }

  bool ReadRedactMap(const YAML::Node& item, const std::string& item_path, RedactItem* r) {
    static const std::vector<std::string> kKeys = {"name", "regex", "replace"};
    bool ok = true;
    bool has_replace = false;
    for (const auto& kv : item) {
      const std::string name = kv.first.IsScalar() ? kv.first.Scalar() : "";
      const std::string sub = item_path + "." + name;
      if (std::find(kKeys.begin(), kKeys.end(), name) == kKeys.end()) {
        Problem(kv.first, sub, "unknown key" + DidYouMeanSuffix(name, kKeys));
        ok = false;
        continue;
      }
      if (!kv.second.IsScalar()) {
        Problem(kv.first, sub, "expected a string, got " + Describe(kv.second));
        ok = false;
        continue;
      }
      const std::string& v = kv.second.Scalar();
      if (name == "name") r->name = v;
      if (name == "regex") r->regex = v;
      if (name == "replace") {
        r->replace = v;
        has_replace = true;
      }
    }
    if (!ok) return false;
    if (r->regex.empty()) {
      Problem(item, item_path, "a custom entry needs a regex (built-ins are written as a name)");
      return false;
    }
    if (!has_replace) r->replace = "[" + r->name + "]";
    return true;
  }

  bool ReadBoolMap(const KeySpec& spec, const YAML::Node& key, const YAML::Node& value) {
    const std::string path(spec.path);
    if (!value.IsMap()) {
      Expected(key, path, spec.kind, value);
      return false;
    }
    const std::vector<std::string> known(std::begin(kDefaultRuleKeys), std::end(kDefaultRuleKeys));
    std::map<std::string, bool> out;
    bool ok = true;
    for (const auto& kv : value) {
      const std::string name = kv.first.IsScalar() ? kv.first.Scalar() : "";
      const std::string sub = path + "." + name;
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        Problem(kv.first, sub, "unknown default rule" + DidYouMeanSuffix(name, known));
        ok = false;
        continue;
      }
      if (out.count(name) != 0) {
        Problem(kv.first, sub, "duplicate key");
        ok = false;
        continue;
      }
      bool b = false;
      if (!kv.second.IsScalar() || IsStringTagged(kv.second) ||
          !ParseBool(kv.second.Scalar(), &b)) {
        Problem(kv.first, sub, "expected true or false, got " + Describe(kv.second));
        ok = false;
        continue;
      }
      out[name] = b;
      SetOrigin(sub, kv.first);
    }
    if (ok) *std::get<std::map<std::string, bool>*>(spec.field(*config_)) = std::move(out);
    return ok;
  }

  bool ReadItems(const KeySpec& spec, const YAML::Node& key, const YAML::Node& value) {
    const std::string path(spec.path);
    if (!value.IsSequence()) {
      Expected(key, path, spec.kind, value);
      return false;
    }
    std::vector<RawItem> out;
    bool ok = true;
    size_t i = 0;
    for (const YAML::Node& item : value) {
      const std::string item_path = path + "[" + std::to_string(i++) + "]";
      if (!item.IsMap()) {
        Problem(item, item_path, "expected a map, got " + Describe(item));
        ok = false;
        continue;
      }
      YAML::Mark where;
      StatusOr<nlohmann::json> json = YamlToJson(item, item_path, &where, &budget_);
      if (!json.ok()) {
        problems_->Add(At(where) + ": " + json.status().message());
        ok = false;
        continue;
      }
      out.push_back(
          RawItem{std::move(json).value(), file_, item.Mark().line + 1, item.Mark().column + 1});
    }
    if (ok) *std::get<std::vector<RawItem>*>(spec.field(*config_)) = std::move(out);
    return ok;
  }

  const std::string& file_;
  Config* config_;
  Origins* origins_;
  Problems* problems_;
  size_t budget_ = 0;  // nodes converted to JSON so far (alias expansion cap)
};

}  // namespace

void ApplyYamlText(std::string_view text, const std::string& file, Config* config, Origins* origins,
                   Problems* problems) {
  YamlReader(file, config, origins, problems).Read(text);
}

}  // namespace botmon::config_internal
