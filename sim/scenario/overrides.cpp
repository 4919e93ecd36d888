#include "sim/scenario/overrides.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/error.hpp"
#include "sim/scenario/reader.hpp"

namespace clocksim::scenario {

namespace {
[[noreturn]] void fail_set(const std::string& source, const std::string& path, const std::string& msg) {
  throw ScenarioError(source, 0, 0, path, msg);
}
}  // namespace

namespace {
// The first '[' or '{' of a flow value left open (outside quoted text), if any.
std::optional<char> unclosed_flow(const std::string& text) {
  std::vector<char> open;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      open.push_back(c);
    } else if ((c == ']' || c == '}') && !open.empty()) {
      open.pop_back();
    } else if (c == '#' && (i == 0 || text[i - 1] == ' ')) {
      break;  // a comment
    }
  }
  if (open.empty()) return std::nullopt;
  return open.front();
}

// A list index as written in a key path: decimal digits, no sign and no leading zero, so that one
// entry has one name ("nodes.0", never "nodes.00" or "nodes.+0").
std::optional<std::size_t> list_index(const std::string& seg) {
  if (seg.empty() || seg.size() > 18 || (seg.size() > 1 && seg[0] == '0')) return std::nullopt;
  std::size_t index = 0;
  for (const char c : seg) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<std::size_t>(c - '0');
  }
  return index;
}
}  // namespace

void apply_set_override(yaml::Node& root, const std::string& assignment) {
  const std::string source = "--set " + assignment;
  auto fail = [&](const std::string& path, const std::string& msg) { fail_set(source, path, msg); };
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    fail("", "expected key.path=value, e.g. --set links.loss=0.01");
  }
  const std::string key_path = assignment.substr(0, eq);
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (true) {
    const auto dot = key_path.find('.', start);
    segments.push_back(key_path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (segments.back().empty()) fail(key_path, "empty segment in key path '" + key_path + "'");
    if (dot == std::string::npos) break;
    start = dot + 1;
  }

  const yaml::Pos here{std::make_shared<const std::string>(source), 0, 0};
  yaml::Node value;
  const std::string text = assignment.substr(eq + 1);
  if (const auto unclosed = unclosed_flow(text)) {
    // yaml-cpp reads an unclosed flow collection as a mapping keyed by it, and says so instead.
    fail(key_path, "the value '" + text + "' is not valid YAML: a '" + std::string(1, *unclosed) + "' is never closed");
  }
  if (!text.empty()) {
    yaml::Limits limits;
    limits.max_bytes = 64 * 1024;
    limits.max_nodes = 10'000;
    try {
      value = yaml::parse_document(text, source, limits);
    } catch (const ScenarioError& e) {
      // The parser speaks of files and of lines and columns of the value; say which key's value
      // it is and where in it, like the other --set errors. Text after a complete value
      // ("[draft] notes") is what the parser calls a second document.
      std::string why = e.message();
      if (why.rfind("a file holds exactly one YAML document", 0) == 0) {
        why = "text follows the end of the value";
      }
      std::string where;
      if (e.line() == 1 && e.column() > 0) where = " (at character " + std::to_string(e.column()) + ")";
      fail(key_path, "the value '" + text + "' is not valid YAML" + where + ": " + why +
                         "; to pass it as text, quote it: --set '" + key_path + "=\"...\"'");
    }
  }
  yaml::relocate(value, here);

  if (root.is_null()) {
    root.kind = yaml::Node::Kind::kMap;
  }
  yaml::Node* cur = &root;
  std::string walked;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& seg = segments[i];
    const std::string next_path = child_path(walked, seg);
    if (cur->is_null() && i > 0 && parse_integer(seg)) {
      // An index into a list that is not there: no key of a scenario mapping is a number, so
      // making '{0: ...}' would only earn a puzzling "expected a list, got a mapping" later.
      fail(next_path, "there is no entry " + seg + ": the scenario has no '" + walked +
                          "' list, and --set changes entries that exist; give the whole list instead, e.g. --set '" +
                          walked + "=[{...}]'");
    }
    if (cur->is_null()) {
      cur->kind = yaml::Node::Kind::kMap;
      cur->pos = here;
    }
    yaml::Node* child = nullptr;
    if (cur->is_map()) {
      child = cur->find(seg);
      if (!child) {
        cur->entries.push_back(yaml::Entry{seg, here, yaml::Node{}});
        child = &cur->entries.back().value;
        child->pos = here;
      }
    } else if (cur->is_sequence()) {
      const auto index = list_index(seg);
      if (!index) fail(next_path, "'" + walked + "' is a list: expected an index such as " + walked + ".0, got '" + seg + "'");
      if (*index >= cur->items.size()) {
        fail(next_path, "index " + seg + " is out of range: '" + walked + "' has " + std::to_string(cur->items.size()) +
                            (cur->items.size() == 1 ? " entry" : " entries"));
      }
      child = &cur->items[*index];
    } else {
      fail(next_path, "cannot set '" + key_path + "': '" + walked + "' is the value '" + cur->text +
                          "', not a mapping or list");
    }
    cur = child;
    walked = next_path;
  }
  if (cur->is_map() && !cur->entries.empty() && !value.is_map()) {
    // A scalar over a mapping would silently drop its keys ({kind: berkeley, period: 10s}
    // becoming "cristian" at cristian's default period): say which way was meant.
    std::string keys;
    for (const auto& e : cur->entries) keys += (keys.empty() ? "" : ", ") + e.key;
    const bool layer = cur->find("kind") != nullptr;
    fail(key_path, "'" + key_path + "' is a mapping (" + keys + "); '" + text + "' would drop those keys. " +
                       (layer ? "To change the kind and keep the parameters: --set " + key_path + ".kind=" + text +
                                    "; for the kind at its defaults: --set '" + key_path + "={kind: " + text + "}'"
                              : "Set one of them (--set " + key_path + "." + cur->entries.front().key +
                                    "=...) or give a whole mapping ('" + key_path + "={...}')"));
  }
  *cur = std::move(value);
}

}  // namespace clocksim::scenario
